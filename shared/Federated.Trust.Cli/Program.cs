using System.CommandLine;
using Federated.Trust.Cli;

// federated-trust: the federation's provisioning tool (CA, certificates, bundles, revocation).
return TrustCommand.Create(Environment.GetEnvironmentVariable).Parse(args).Invoke();

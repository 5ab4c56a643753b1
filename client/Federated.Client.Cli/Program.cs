using System.CommandLine;
using Federated.Client.Cli;

// federated-client: joins a federation and trains on local data that never leaves this machine.
var command = JoinCommand.Create();
return await command.Parse(args).InvokeAsync().ConfigureAwait(false);

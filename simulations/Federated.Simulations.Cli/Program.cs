using System.CommandLine;
using Federated.Simulations.Cli;

// federated-sim: runs a simulated federation from a scenario file and command-line overrides.
var command = SimulateCommand.Create();
return await command.Parse(args).InvokeAsync().ConfigureAwait(false);

using Federated.Edge.Cli;

// federated-edge: deploys a federation's global model to devices (ONNX Runtime on x64/ARM64, C for Cortex-M).
return await EdgeCommand.InvokeAsync(args, Console.Out, Console.Error).ConfigureAwait(false);

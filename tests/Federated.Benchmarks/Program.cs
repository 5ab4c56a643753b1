using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Federated.Benchmarks -- --filter "*" --inProcess
// (in process: BenchmarkDotNet's own out-of-process builds skip the build step that lets libtorch load on Debian 12).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

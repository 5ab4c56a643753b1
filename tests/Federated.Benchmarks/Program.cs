using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Federated.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

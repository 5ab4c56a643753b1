using BenchmarkDotNet.Running;
using Federated.Benchmarks.Scenarios;

// dotnet run -c Release --project tests/Federated.Benchmarks -- --filter "*" --inProcess
// (in process: BenchmarkDotNet's own out-of-process builds skip the build step that lets libtorch load on Debian 12).
// Scenario runners that print figures: `-- coordinator-memory [options]` (see CoordinatorMemoryScenario),
// `-- fedavg-bandwidth [--repeats N]` (FedAvgRoundBenchmarks timed interleaved, see FedAvgBandwidthScenario),
// `-- mqtt-fleet [options]` (see MqttFleet/MqttFleetScenario), `-- edge-native [options]` (see EdgeNativeScenario),
// `-- edge-onnx [options]` (see EdgeOnnxScenario), `-- dp-accuracy [options]` (see DpAccuracyScenario).
if (args.Length > 0 && args[0] == "coordinator-memory")
    return await CoordinatorMemoryScenario.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "fedavg-bandwidth")
    return FedAvgBandwidthScenario.Run(args[1..]);
if (args.Length > 0 && args[0] == "mqtt-fleet")
    return await Federated.Benchmarks.Scenarios.MqttFleet.MqttFleetScenario.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "edge-native")
    return await EdgeNativeScenario.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "edge-onnx")
    return await EdgeOnnxScenario.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "dp-accuracy")
    return await DpAccuracyScenario.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

using BenchmarkDotNet.Attributes;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Torch;
using TorchSharp;

namespace Federated.Benchmarks;

/// <summary>Moving the classic CNN's parameters between a flat buffer and a TorchSharp module (CPU).</summary>
public class ParameterCopyBenchmarks
{
    private torch.nn.Module<torch.Tensor, torch.Tensor> _module = null!;
    private ParameterBuffer _buffer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var cnn = ModelZoo.Cnn();
        _module = TorchModelFactory.Create(cnn);
        _buffer = ParameterInitializer.Initialize(cnn, 1);
    }

    [Benchmark]
    public void BufferToModule() => TorchParameters.CopyToModule(_module, _buffer);

    [Benchmark]
    public void ModuleToBuffer() => TorchParameters.CopyFromModule(_module, _buffer);

    [GlobalCleanup]
    public void Cleanup() => _module.Dispose();
}

using BenchmarkDotNet.Attributes;
using Federated.Shared.Models;
using Federated.Shared.Serialization;

namespace Federated.Benchmarks;

/// <summary>Encoding and decoding the classic CNN as a checksummed model file (4.8 MB).</summary>
[MemoryDiagnoser]
public class ModelFileBenchmarks
{
    private ModelSnapshot _snapshot = null!;
    private byte[] _file = null!;

    [GlobalSetup]
    public void Setup()
    {
        var cnn = ModelZoo.Cnn();
        _snapshot = new ModelSnapshot(1, cnn, ParameterInitializer.Initialize(cnn, 1));
        _file = ModelFile.ToBytes(_snapshot);
    }

    [Benchmark]
    public byte[] Write() => ModelFile.ToBytes(new ModelSnapshot(1, _snapshot.Architecture, _snapshot.Parameters));

    [Benchmark]
    public ModelSnapshot Read() => ModelFile.Read(_file);
}

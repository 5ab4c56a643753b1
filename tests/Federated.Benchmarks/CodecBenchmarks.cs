using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Federated.Shared.Codecs;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Benchmarks;

/// <summary>
/// INT8 and FP16 encoding and decoding of the classic CNN (1,199,882 floats, 4.8 MB), next to
/// two memory-bandwidth baselines over the same floats (a span copy, a SIMD sum), so throughput
/// reads as a ratio. Encodes write into a preallocated span and include the SHA-256 trailer;
/// decodes include the checksum check.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private ParameterBuffer _parameters = null!;
    private ParameterBuffer _decoded = null!;
    private float[] _copy = null!;
    private byte[] _int8Buffer = null!;
    private byte[] _fp16Buffer = null!;
    private byte[] _int8Payload = null!;
    private byte[] _fp16Payload = null!;

    [GlobalSetup]
    public void Setup()
    {
        _parameters = ParameterInitializer.Initialize(ModelZoo.Cnn(), 1);
        _decoded = new ParameterBuffer(_parameters.Layout);
        _copy = new float[_parameters.Length];
        _int8Payload = ParameterCodec.Encode(_parameters, CodecKind.Int8);
        _fp16Payload = ParameterCodec.Encode(_parameters, CodecKind.Fp16);
        _int8Buffer = new byte[_int8Payload.Length];
        _fp16Buffer = new byte[_fp16Payload.Length];
    }

    [Benchmark(Baseline = true)]
    public void CopyBaseline() => _parameters.Values.CopyTo(_copy);

    [Benchmark]
    public float SumBaseline() => TensorPrimitives.Sum<float>(_parameters.Values);

    [Benchmark]
    public int Int8Encode() => ParameterCodec.Encode(_parameters, CodecKind.Int8, _int8Buffer);

    [Benchmark]
    public int Int8StochasticEncode() => ParameterCodec.Encode(_parameters, CodecKind.Int8Stochastic, _int8Buffer, seed: 1);

    [Benchmark]
    public void Int8Decode() => ParameterCodec.DecodeInto(_int8Payload, _decoded);

    [Benchmark]
    public int Fp16Encode() => ParameterCodec.Encode(_parameters, CodecKind.Fp16, _fp16Buffer);

    [Benchmark]
    public void Fp16Decode() => ParameterCodec.DecodeInto(_fp16Payload, _decoded);
}

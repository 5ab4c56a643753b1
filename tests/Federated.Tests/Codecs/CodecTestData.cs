using System.IO.Hashing;
using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Tests.Codecs;

/// <summary>Layouts and seeded values the codec tests share.</summary>
internal static class CodecTestData
{
    /// <summary>A conv weight (4 channels), its bias, a linear weight (3 channels) and a one-element tensor.</summary>
    public static ParameterLayout SmallLayout() => new(
    [
        new TensorSpec("conv.weight", 4, 2, 3, 3),
        new TensorSpec("conv.bias", 4),
        new TensorSpec("fc.weight", 3, 5),
        new TensorSpec("fc.bias", 1),
    ]);

    /// <summary>Values whose channels differ in size by orders of magnitude, so per-channel scales matter.</summary>
    public static ParameterBuffer SmallValues(int seed = 1)
    {
        var buffer = new ParameterBuffer(SmallLayout());
        var random = new Random(seed);
        var values = buffer.Values;
        for (int i = 0; i < values.Length; i++)
        {
            float magnitude = MathF.Pow(10, -(i % 4));
            values[i] = (float)(random.NextDouble() * 2 - 1) * magnitude;
        }
        return buffer;
    }

    public static ParameterBuffer Cnn(int seed = 1) => ParameterInitializer.Initialize(ModelZoo.Cnn(), seed);

    /// <summary>Recomputes a payload's XXH128 trailer (format version 2) after a test edits it on purpose.</summary>
    public static void Reseal(byte[] payload) =>
        XxHash128.Hash(payload.AsSpan(0, payload.Length - 16), payload.AsSpan(payload.Length - 16));

    /// <summary>Per tensor and per axis-0 channel: (flat offset, length, max |x|).</summary>
    public static IEnumerable<(int Offset, int Length, float Peak)> Channels(ParameterBuffer values)
    {
        var layout = values.Layout;
        for (int t = 0; t < layout.Count; t++)
        {
            var tensor = layout.Tensors[t];
            int channels = tensor.Rank >= 2 ? tensor.Shape[0] : 1;
            int width = tensor.ElementCount / channels;
            for (int c = 0; c < channels; c++)
            {
                int offset = layout.OffsetOf(t) + c * width;
                float peak = 0;
                foreach (float v in values.Values.Slice(offset, width)) peak = MathF.Max(peak, MathF.Abs(v));
                yield return (offset, width, peak);
            }
        }
    }
}

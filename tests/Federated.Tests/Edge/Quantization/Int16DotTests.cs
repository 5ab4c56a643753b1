using Federated.Edge.Reference.Internal;

namespace Federated.Tests.Edge.Quantization;

public sealed class Int16DotTests
{
    [Fact]
    public void EveryPath_EqualsTheScalarSum_OnInt8RangedValues()
    {
        var random = new Random(8);
        for (int length = 0; length < 300; length += 1 + length / 8)
        {
            var a = new short[length];
            var b = new short[length];
            long expected = 0;
            for (int i = 0; i < length; i++)
            {
                a[i] = (short)random.Next(-128, 128);
                b[i] = (short)random.Next(-127, 128);
                expected += a[i] * b[i];
            }
            Assert.Equal(expected, Int16Dot.Dot(a, b));
            Assert.Equal(expected, Int16Dot.DotPortable(a, b));
            if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) Assert.Equal(expected, Int16Dot.DotAvx2(a, b));
            var sums = new int[4];
            short[] negated = b.Select(v => (short)-v).ToArray();
            Int16Dot.Dot4(a, b, negated, a, b, sums);
            Assert.Equal(new[] { (int)expected, (int)-expected, Int16Dot.DotPortable(a, a), (int)expected }, sums);
        }
    }

    [Fact]
    public void ExtremeProducts_DoNotOverflowTheLanes()
    {
        // −128 · −127 everywhere: the largest product and pair sum the int8 contract allows.
        short[] a = Enumerable.Repeat((short)-128, 9216).ToArray();
        short[] b = Enumerable.Repeat((short)-127, 9216).ToArray();

        Assert.Equal(9216 * 16256, Int16Dot.Dot(a, b));
        Assert.Equal(9216 * 16256, Int16Dot.DotPortable(a, b));
    }
}

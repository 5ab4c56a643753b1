using Federated.Client.Managed.Internal;

namespace Federated.Tests.ManagedTraining;

public sealed class MatrixMultiplyTests
{
    // Sizes around the 4-row tiles, the 2-row/2-vector panels and the vector width, tails included.
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 4, 2, 8 }, { 5, 3, 9 }, { 7, 17, 33 }, { 8, 16, 16 }, { 9, 37, 40 }, { 32, 10, 200 }, { 13, 64, 3 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyByTransposed_MatchesTheDefinition(int m, int n, int k)
    {
        float[] a = Values(m * k, 1), b = Values(n * k, 2);
        var c = new float[m * n];

        MatrixMultiply.MultiplyByTransposed(a, k, b, k, c, n, m, n, k, accumulate: false);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double expected = 0;
                for (int p = 0; p < k; p++) expected += (double)a[i * k + p] * b[j * k + p];
                Assert.Equal(expected, c[i * n + j], 1e-4);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Multiply_MatchesTheDefinition_ForARowMajorAndATransposedLeftMatrix(int m, int n, int k)
    {
        float[] a = Values(m * k, 3), b = Values(k * n, 4);
        var direct = new float[m * n];
        var transposed = new float[m * n];
        var aTransposed = new float[k * m];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++) aTransposed[p * m + i] = a[i * k + p];

        MatrixMultiply.Multiply(a, k, 1, b, n, direct, n, m, n, k, accumulate: false);
        MatrixMultiply.Multiply(aTransposed, 1, m, b, n, transposed, n, m, n, k, accumulate: false);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double expected = 0;
                for (int p = 0; p < k; p++) expected += (double)a[i * k + p] * b[p * n + j];
                Assert.Equal(expected, direct[i * n + j], 1e-4);
                Assert.Equal(expected, transposed[i * n + j], 1e-4);
            }
        }
    }

    [Fact]
    public void Accumulate_AddsToWhatTheDestinationHeld()
    {
        const int m = 6, n = 20, k = 7;
        float[] a = Values(m * k, 5), b = Values(k * n, 6), bRows = Values(n * k, 7);
        var once = new float[m * n];
        var twice = new float[m * n];
        MatrixMultiply.Multiply(a, k, 1, b, n, once, n, m, n, k, accumulate: false);
        MatrixMultiply.Multiply(a, k, 1, b, n, twice, n, m, n, k, accumulate: false);
        MatrixMultiply.Multiply(a, k, 1, b, n, twice, n, m, n, k, accumulate: true);
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], twice[i], 1e-5);

        MatrixMultiply.MultiplyByTransposed(a, k, bRows, k, once, n, m, n, k, accumulate: false);
        MatrixMultiply.MultiplyByTransposed(a, k, bRows, k, twice, n, m, n, k, accumulate: false);
        MatrixMultiply.MultiplyByTransposed(a, k, bRows, k, twice, n, m, n, k, accumulate: true);
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], twice[i], 1e-5);
    }

    [Fact]
    public void TooShortASpan_IsRefusedBeforeAnyRead()
    {
        var a = new float[5];
        var b = new float[6];
        var c = new float[4];
        var error = Assert.Throws<ArgumentException>(() => MatrixMultiply.MultiplyByTransposed(a, 3, b, 3, c, 2, 2, 2, 3, accumulate: false));
        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
    }

    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}

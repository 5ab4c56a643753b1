using System.Buffers;
using System.Numerics.Tensors;

namespace Federated.Coordinator.Strategies;

/// <summary>
/// Block-by-block drivers over a subset of buffered updates: a coordinate block of every chosen update
/// is gathered column-major, so each coordinate's values lie together for a reducer; memory is
/// O(block × updates) whether the updates sit in memory or in the spill file.
/// </summary>
internal static class CoordinateWise
{
    /// <summary>Coordinates per block: the buffer's float budget split among <paramref name="rows"/> gathered updates.</summary>
    internal static int BlockLength(UpdateBuffer updates, int rows) =>
        Math.Min(updates.Length, Math.Max(1, updates.BlockBudget / Math.Max(rows, 1)));

    /// <summary>result[j] = reducer(values of coordinate j over the updates in <paramref name="rows"/>).</summary>
    public static void Reduce<TReducer>(UpdateBuffer updates, ReadOnlySpan<int> rows, Span<float> result, TReducer reducer)
        where TReducer : struct, IColumnReducer
    {
        CheckResult(updates, result);
        int n = rows.Length;
        int block = BlockLength(updates, n);
        float[] columns = ArrayPool<float>.Shared.Rent(block * n);
        float[] scratch = ArrayPool<float>.Shared.Rent(block);
        try
        {
            for (int start = 0; start < updates.Length; start += block)
            {
                int length = Math.Min(block, updates.Length - start);
                for (int r = 0; r < n; r++)
                {
                    var values = updates.Read(rows[r], start, scratch.AsSpan(0, length));
                    for (int j = 0; j < values.Length; j++) columns[j * n + r] = values[j];
                }
                for (int j = 0; j < length; j++) result[start + j] = reducer.Reduce(columns.AsSpan(j * n, n));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
            ArrayPool<float>.Shared.Return(columns);
        }
    }

    /// <summary>result = unweighted mean of the updates in <paramref name="rows"/>.</summary>
    public static void Mean(UpdateBuffer updates, ReadOnlySpan<int> rows, Span<float> result)
    {
        CheckResult(updates, result);
        if (rows.IsEmpty) throw new ArgumentException("The mean of no updates is undefined.", nameof(rows));
        int block = BlockLength(updates, 1);
        float[] scratch = ArrayPool<float>.Shared.Rent(block);
        try
        {
            result.Clear();
            for (int start = 0; start < updates.Length; start += block)
            {
                int length = Math.Min(block, updates.Length - start);
                var target = result.Slice(start, length);
                foreach (int row in rows) TensorPrimitives.Add(target, updates.Read(row, start, scratch.AsSpan(0, length)), target);
            }
            TensorPrimitives.Multiply(result, (float)(1.0 / rows.Length), result);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    private static void CheckResult(UpdateBuffer updates, Span<float> result)
    {
        if (result.Length != updates.Length)
            throw new ArgumentException($"The result has {result.Length} values; the updates have {updates.Length}.", nameof(result));
    }
}

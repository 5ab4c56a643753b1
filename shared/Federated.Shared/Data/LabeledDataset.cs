namespace Federated.Shared.Data;

/// <summary>
/// Examples as one flat row-major <c>float</c> array (count × features) with one class label
/// each. Flat so trainers hand whole batches to native code without per-example copies.
/// </summary>
public sealed class LabeledDataset
{
    private readonly float[] _features;
    private readonly int[] _labels;
    private readonly int[] _exampleShape;

    public LabeledDataset(float[] features, int[] labels, ReadOnlySpan<int> exampleShape, int classCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (exampleShape.IsEmpty)
            throw new ArgumentException("An example needs at least one dimension.", nameof(exampleShape));
        int perExample = 1;
        foreach (int dim in exampleShape) perExample = checked(perExample * dim);
        if ((long)labels.Length * perExample != features.Length)
            throw new ArgumentException($"{labels.Length} labels of {perExample} features each need {(long)labels.Length * perExample} values, got {features.Length}.", nameof(features));
        if (classCount <= 0)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "A dataset needs at least one class.");
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentException($"Label {labels[i]} of example {i} is outside [0, {classCount}).", nameof(labels));
        }
        _features = features;
        _labels = labels;
        _exampleShape = exampleShape.ToArray();
        FeaturesPerExample = perExample;
        ClassCount = classCount;
    }

    public int Count => _labels.Length;

    public int FeaturesPerExample { get; }

    public int ClassCount { get; }

    /// <summary>The shape of one example, without a batch axis (e.g. 1×28×28).</summary>
    public ReadOnlySpan<int> ExampleShape => _exampleShape;

    public ReadOnlySpan<float> Features => _features;

    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>The backing feature array (not a copy), for APIs that need one.</summary>
    internal float[] FeatureArray => _features;

    public ReadOnlySpan<float> Example(int index) => _features.AsSpan(index * FeaturesPerExample, FeaturesPerExample);

    /// <summary>A new dataset of the examples at <paramref name="indices"/>, in that order.</summary>
    public LabeledDataset Select(ReadOnlySpan<int> indices)
    {
        var features = new float[indices.Length * FeaturesPerExample];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Example(indices[i]).CopyTo(features.AsSpan(i * FeaturesPerExample, FeaturesPerExample));
            labels[i] = _labels[indices[i]];
        }
        return new LabeledDataset(features, labels, _exampleShape, ClassCount);
    }

    /// <summary>The first <paramref name="count"/> examples (all, if fewer).</summary>
    public LabeledDataset Take(int count)
    {
        count = Math.Min(count, Count);
        return new LabeledDataset(_features[..(count * FeaturesPerExample)], _labels[..count], _exampleShape, ClassCount);
    }
}

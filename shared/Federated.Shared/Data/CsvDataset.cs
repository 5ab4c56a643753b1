namespace Federated.Shared.Data;

/// <summary>A dataset read from CSV, with the names that give its numbers meaning.</summary>
/// <param name="Data">Examples of shape [features] and their class labels.</param>
/// <param name="FeatureNames">The feature columns' headers, in feature order.</param>
/// <param name="ClassNames">Label text of each class, indexed by class.</param>
public sealed record CsvDataset(LabeledDataset Data, IReadOnlyList<string> FeatureNames, IReadOnlyList<string> ClassNames);

namespace Federated.Coordinator.Host;

/// <summary>The coordinator's own test set, bound from the section <c>CentralEvaluation</c>.</summary>
public sealed class CentralEvaluationOptions
{
    public const string SectionName = "CentralEvaluation";

    /// <summary><c>fashion-mnist</c> (its test split), a CSV file path, or <c>none</c>.</summary>
    public string Dataset { get; set; } = "fashion-mnist";

    /// <summary>Label column of a CSV dataset.</summary>
    public string LabelColumn { get; set; } = "label";

    /// <summary>Evaluate on the first N examples only (0 = all).</summary>
    public int Limit { get; set; }

    /// <summary><c>auto</c>, <c>cpu</c> or <c>cuda</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>TorchSharp intra-op threads (0 = TorchSharp's default).</summary>
    public int Threads { get; set; }
}

namespace Federated.Edge.Cli.Inputs;

/// <summary>
/// Where examples come from: a file (<see cref="InputFormat"/>), or <c>fashion-mnist</c> /
/// <c>fashion-mnist:train</c> for the installed Fashion-MNIST test or training split.
/// </summary>
/// <param name="LabelsPath">IDX labels (idx1-ubyte) for IDX images.</param>
/// <param name="LabelColumn">The CSV column holding labels; null when the CSV has none.</param>
/// <param name="Limit">Use at most this many examples (0 = all).</param>
internal sealed record InputSpec(string Path, InputFormat Format = InputFormat.Auto, string? LabelsPath = null, string? LabelColumn = null, int Limit = 0);

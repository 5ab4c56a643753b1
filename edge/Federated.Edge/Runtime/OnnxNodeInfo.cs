namespace Federated.Edge.Runtime;

/// <summary>One node of an ONNX graph: which operator of which domain, and the values it reads and writes.</summary>
public sealed record OnnxNodeInfo(string Name, string OpType, string Domain, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs)
{
    /// <summary>The operator with its domain: <c>QLinearConv</c> (default domain) or <c>com.microsoft.QGemm</c>.</summary>
    public string QualifiedOpType => Domain.Length == 0 || Domain == "ai.onnx" ? OpType : $"{Domain}.{OpType}";

    public override string ToString() => $"{QualifiedOpType} {Name}";
}

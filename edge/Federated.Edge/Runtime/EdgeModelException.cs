namespace Federated.Edge.Runtime;

/// <summary>An ONNX model that cannot be loaded or served: not ONNX, truncated, or not a classifier this runner feeds.</summary>
public sealed class EdgeModelException : Exception
{
    public EdgeModelException()
    {
    }

    public EdgeModelException(string message)
        : base(message)
    {
    }

    public EdgeModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Federated.Shared.Serialization;

/// <summary>A model file that cannot be used: truncated, corrupt, of another version, or not the model expected.</summary>
public sealed class ModelFileException : Exception
{
    public ModelFileException(string message) : base(message) { }

    public ModelFileException(string message, Exception inner) : base(message, inner) { }

    public ModelFileException() { }
}

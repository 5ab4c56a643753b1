namespace Federated.Shared.Codecs;

/// <summary>An encoded-parameters payload that cannot be decoded: truncated, corrupt, of another version or codec, or for another layout.</summary>
public sealed class CodecException : Exception
{
    public CodecException(string message) : base(message) { }

    public CodecException(string message, Exception inner) : base(message, inner) { }

    public CodecException() { }
}

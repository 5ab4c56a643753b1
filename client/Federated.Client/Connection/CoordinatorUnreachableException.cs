namespace Federated.Client.Connection;

/// <summary>The coordinator could not be reached within the configured number of attempts.</summary>
public sealed class CoordinatorUnreachableException : Exception
{
    public CoordinatorUnreachableException(string message, Exception inner) : base(message, inner) { }

    public CoordinatorUnreachableException(string message) : base(message) { }

    public CoordinatorUnreachableException() { }
}

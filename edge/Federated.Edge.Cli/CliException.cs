namespace Federated.Edge.Cli;

/// <summary>A command cannot go on because of what it was given (a missing file, an input of the wrong shape, ...); the message says what.</summary>
internal sealed class CliException : Exception
{
    public CliException(string message) : base(message) { }

    public CliException(string message, Exception inner) : base(message, inner) { }

    public CliException() { }
}

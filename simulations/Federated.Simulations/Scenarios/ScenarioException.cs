namespace Federated.Simulations.Scenarios;

/// <summary>A scenario file or override that cannot be used; the message names the file, key or value at fault.</summary>
public sealed class ScenarioException : Exception
{
    public ScenarioException()
    {
    }

    public ScenarioException(string message)
        : base(message)
    {
    }

    public ScenarioException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

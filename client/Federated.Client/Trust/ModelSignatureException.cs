namespace Federated.Client.Trust;

/// <summary>A task's model did not carry a valid coordinator signature; the client refuses the task without using the model.</summary>
public sealed class ModelSignatureException(string reason) : Exception(reason);

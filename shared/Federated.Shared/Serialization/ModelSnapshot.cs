using Federated.Shared.Models;
using Federated.Shared.Parameters;

namespace Federated.Shared.Serialization;

/// <summary>A model as it is stored and shipped: its parameters, the architecture that uses them, and the round that made it.</summary>
public sealed record ModelSnapshot(long Round, ModelArchitecture? Architecture, ParameterBuffer Parameters)
{
    private string? _contentHash;

    /// <summary>See <see cref="ModelContentHash"/>.</summary>
    public string ContentHash => _contentHash ??= ModelContentHash.Compute(Parameters);
}

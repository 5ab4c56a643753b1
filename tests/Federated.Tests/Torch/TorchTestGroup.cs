namespace Federated.Tests.Torch;

/// <summary>
/// Torch tests run one at a time: libtorch's random generator is process-wide, and on a small
/// machine parallel native training only makes every test slower.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchTestGroup
{
    public const string Name = "Torch";
}

using Federated.Coordinator.Options;

namespace Federated.Tests.Options;

public class FederationOptionsValidatorTests
{
    private static readonly FederationOptionsValidator Validator = new();

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(Validator.Validate(null, new FederationOptions()).Succeeded);
    }

    [Fact]
    public void Each_failure_names_its_configuration_key()
    {
        var options = new FederationOptions
        {
            Model = "resnet",
            Rounds = 0,
            MinResults = 9,
            ChunkBytes = 8 * 1024 * 1024,
        };
        options.Training.LearningRate = -1;
        var result = Validator.Validate(null, options);
        Assert.True(result.Failed);
        string failures = result.FailureMessage;
        Assert.Contains("Federation:Model = 'resnet'", failures, StringComparison.Ordinal);
        Assert.Contains("Federation:Rounds", failures, StringComparison.Ordinal);
        Assert.Contains("Federation:MinResults", failures, StringComparison.Ordinal);
        Assert.Contains("Federation:ChunkBytes", failures, StringComparison.Ordinal);
        Assert.Contains("Federation:Training:LearningRate", failures, StringComparison.Ordinal);
    }

    [Fact]
    public void Secure_aggregation_with_a_robust_strategy_or_bad_settings_names_the_keys()
    {
        var options = new FederationOptions { ClientsPerRound = 10, MinClients = 10 };
        options.Strategy.Name = "krum";
        options.SecureAggregation.Enabled = true;
        options.SecureAggregation.NeighbourDegree = 5;
        options.SecureAggregation.BitWidth = 40;
        var result = Validator.Validate(null, options);
        Assert.True(result.Failed);
        string failures = result.FailureMessage;
        Assert.Contains("Federation:Strategy:Name = 'krum'", failures, StringComparison.Ordinal);
        Assert.Contains("Federation:SecureAggregation:Enabled = true", failures, StringComparison.Ordinal);
        Assert.Contains("Federation:SecureAggregation:NeighbourDegree = '5'", failures, StringComparison.Ordinal);
        Assert.Contains("Federation:SecureAggregation:BitWidth = '40'", failures, StringComparison.Ordinal);
    }

    [Fact]
    public void Secure_aggregation_with_fedavg_is_valid()
    {
        var options = new FederationOptions { ClientsPerRound = 10, MinClients = 10 };
        options.SecureAggregation.Enabled = true;
        Assert.True(Validator.Validate(null, options).Succeeded);
    }
}

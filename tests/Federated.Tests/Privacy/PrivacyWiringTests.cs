using Federated.Coordinator.Persistence;
using Federated.Coordinator.Privacy;
using Federated.Coordinator.Rounds;
using Federated.Coordinator.Transport;
using Federated.Simulations.Scenarios;

namespace Federated.Tests.Privacy;

/// <summary>The privacy settings on their way: task to wire, scenario to validation.</summary>
public class PrivacyWiringTests
{
    [Fact]
    public void A_tasks_privacy_reaches_the_wire_spec()
    {
        var task = new TaskAssignment("t1", 3, TaskKind.Fit, "hash", 10, "logreg", null, DateTimeOffset.UnixEpoch)
        {
            Privacy = new TaskPrivacy(PrivacyMode.Distributed, 0.75, 0.5, 1.5),
        };
        var spec = WireMapping.ToProto(task).Privacy;
        Assert.Equal(Protocol.PrivacyMode.Distributed, spec.Mode);
        Assert.Equal(0.75, spec.ClipNorm);
        Assert.Equal(0.5, spec.ClientNoiseMultiplier);
        Assert.Equal(1.5, spec.NoiseMultiplier);
        Assert.Null(WireMapping.ToProto(task with { Privacy = null }).Privacy);
    }

    [Theory]
    [InlineData("mode", "sometimes", "privacy.mode")]
    [InlineData("mode", "distributed", "secureAggregation.enabled")]
    [InlineData("clipNorm", "0", "privacy.clipNorm")]
    [InlineData("delta", "1", "privacy.delta")]
    [InlineData("adaptiveClipping", "true", "privacy.adaptiveClipping")]
    public void Scenario_privacy_errors_name_the_key(string key, string value, string named)
    {
        var scenario = new SimulationScenario { Privacy = new DifferentialPrivacySpec { Mode = "local" } };
        scenario = key switch
        {
            "mode" => scenario with { Privacy = scenario.Privacy with { Mode = value } },
            "clipNorm" => scenario with { Privacy = scenario.Privacy with { ClipNorm = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) } },
            "delta" => scenario with { Privacy = scenario.Privacy with { Delta = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) } },
            _ => scenario with { Privacy = scenario.Privacy with { AdaptiveClipping = true } },
        };
        Assert.Contains(ScenarioValidator.Validate(scenario), e => e.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void Scenario_keys_set_privacy_from_the_command_line()
    {
        var scenario = ScenarioOverrides.Apply(new SimulationScenario(), ["privacy.mode=central", "privacy.noiseMultiplier=2.5"]);
        Assert.Equal("central", scenario.Privacy.Mode);
        Assert.Equal(2.5, scenario.Privacy.NoiseMultiplier);
        Assert.Empty(ScenarioValidator.Validate(scenario));
    }
}

using Federated.Shared.Models;
using Federated.Trust.Policy;

namespace Federated.Tests.Trust.Policy;

public sealed class SitePolicyTests
{
    private static readonly string Cnn = ModelZoo.Resolve("cnn").ToCanonicalString();
    private static readonly string Mlp = ModelZoo.Resolve("mlp").ToCanonicalString();

    private static string Canonical(string entry) => ModelZoo.Resolve(entry).ToCanonicalString();

    private static TaskFacts Fit(string architecture, long round = 1, int epochs = 1, bool secure = false, TaskPrivacy privacy = TaskPrivacy.None, double noise = 0) =>
        new("t1", round, architecture, IsTraining: true, epochs, secure, privacy, noise);

    [Fact]
    public void Policy_file_reads_every_rule()
    {
        var policy = SitePolicyFile.Parse("""
            { "AllowedArchitectures": ["cnn"], "MaxRounds": 10, "MaxLocalEpochs": 3,
              "RequireSecureAggregation": true, "RequireDifferentialPrivacy": true, "MinNoiseMultiplier": 0.8 }
            """, "site.json", Canonical);
        Assert.Equal([Cnn], policy.AllowedArchitectures);
        Assert.Equal(10, policy.MaxRounds);
        Assert.Equal(3, policy.MaxLocalEpochs);
        Assert.True(policy.RequireSecureAggregation);
        Assert.True(policy.RequireDifferentialPrivacy);
        Assert.Equal(0.8, policy.MinNoiseMultiplier);
        Assert.Null(policy.Check(Fit(Cnn, round: 10, epochs: 3, secure: true, privacy: TaskPrivacy.Distributed, noise: 0.8)));
    }

    [Theory]
    [InlineData("""{ "MaxRound": 3 }""", "MaxRound is not a site policy rule")]
    [InlineData("""{ "MaxRounds": -1 }""", "MaxRounds must be a non-negative whole number")]
    [InlineData("""{ "MaxLocalEpochs": "5" }""", "MaxLocalEpochs must be a non-negative whole number")]
    [InlineData("""{ "RequireDifferentialPrivacy": "yes" }""", "RequireDifferentialPrivacy must be true or false")]
    [InlineData("""{ "MinNoiseMultiplier": -0.5 }""", "MinNoiseMultiplier must be a non-negative number")]
    [InlineData("""{ "AllowedArchitectures": ["cnn", "resnet-9000"] }""", "AllowedArchitectures[1] 'resnet-9000' is not a known model")]
    [InlineData("""{ "MaxRounds": 3, "maxrounds": 100 }""", "maxrounds appears more than once")]
    [InlineData("""[1, 2]""", "must be a JSON object")]
    [InlineData("""{ "MaxRounds": 3 """, "is not valid JSON")]
    public void Bad_policy_file_error_names_the_key(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => SitePolicyFile.Parse(json, "/etc/site.json", Canonical));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("/etc/site.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_policy_file_names_the_path()
    {
        var error = Assert.Throws<FileNotFoundException>(() => SitePolicyFile.Load("/nonexistent/policy.json"));
        Assert.Contains("/nonexistent/policy.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Architecture_not_allowed_is_refused()
    {
        var policy = new SitePolicy { AllowedArchitectures = [Cnn] };
        Assert.Null(policy.Check(Fit(Cnn)));
        Assert.Contains("AllowedArchitectures", policy.Check(Fit(Mlp)), StringComparison.Ordinal);
        // Evaluations run the model on local data too: the allow-list applies to them.
        Assert.NotNull(policy.Check(Fit(Mlp) with { IsTraining = false }));
    }

    [Fact]
    public void Limits_on_rounds_and_epochs_are_enforced()
    {
        var policy = new SitePolicy { MaxRounds = 5, MaxLocalEpochs = 2 };
        Assert.Null(policy.Check(Fit(Cnn, round: 5, epochs: 2)));
        Assert.Equal("site policy MaxRounds is 5; task t1 is for round 6", policy.Check(Fit(Cnn, round: 6)));
        Assert.Equal("site policy MaxLocalEpochs is 2; the task asks for 3", policy.Check(Fit(Cnn, epochs: 3)));
        // An evaluation trains no epochs.
        Assert.Null(policy.Check(Fit(Cnn, epochs: 9) with { IsTraining = false }));
    }

    [Fact]
    public void Secure_aggregation_and_privacy_requirements_are_enforced()
    {
        var policy = new SitePolicy { RequireSecureAggregation = true, RequireDifferentialPrivacy = true, MinNoiseMultiplier = 1.0 };
        Assert.Contains("RequireSecureAggregation", policy.Check(Fit(Cnn, privacy: TaskPrivacy.Distributed, noise: 1.1)), StringComparison.Ordinal);
        Assert.Contains("RequireDifferentialPrivacy", policy.Check(Fit(Cnn, secure: true)), StringComparison.Ordinal);
        Assert.Equal("site policy MinNoiseMultiplier is 1; the task's noise multiplier is 0.5",
            policy.Check(Fit(Cnn, secure: true, privacy: TaskPrivacy.Central, noise: 0.5)));
        Assert.Null(policy.Check(Fit(Cnn, secure: true, privacy: TaskPrivacy.Central, noise: 1.0)));
    }

    [Fact]
    public void Minimum_noise_applies_to_tasks_with_privacy_even_when_not_required()
    {
        var policy = new SitePolicy { MinNoiseMultiplier = 1.0 };
        Assert.Null(policy.Check(Fit(Cnn)));
        Assert.NotNull(policy.Check(Fit(Cnn, privacy: TaskPrivacy.Local, noise: 0.3)));
    }
}

using Federated.Simulations.Reporting;

namespace Federated.Tests.Simulations.Reporting;

/// <summary>Round reports and results for reporting tests.</summary>
internal static class Rounds
{
    public static RoundReport Make(long round, double accuracy, double loss = 1.0, double wall = 10, double training = 8) => new()
    {
        Round = round,
        Accuracy = accuracy,
        Loss = loss,
        Selected = 10,
        Participants = 9,
        Failures = 1,
        BytesSent = 1000 * round,
        BytesReceived = 900 * round,
        WallSeconds = wall,
        TrainingSeconds = training,
    };

    /// <summary>Accuracy climbs 0.55, 0.72, 0.81, 0.79, 0.83; loss falls.</summary>
    public static IReadOnlyList<RoundReport> Climbing() =>
    [
        Make(1, 0.55, 1.40), Make(2, 0.72, 0.90), Make(3, 0.81, 0.60, wall: 20, training: 12), Make(4, 0.79, 0.62), Make(5, 0.83, 0.50),
    ];

    public static SimulationResult Result(IReadOnlyList<RoundReport> rounds, string directory) =>
        new("unit", "fashion-mnist (60000 train, 10000 test)", "dirichlet(0.5) over 100 clients", rounds, rounds.Sum(r => r.WallSeconds) + 3, directory);
}

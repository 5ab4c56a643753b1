using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Federated.Benchmarks;

/// <summary>
/// "Round total": the sum of the mean times of every benchmark with the same parameters — for the
/// per-phase client benchmarks, one client's whole round. Shown on each row of the group.
/// </summary>
internal sealed class SecureAggregationRoundTotalColumn : IColumn
{
    public string Id => nameof(SecureAggregationRoundTotalColumn);

    public string ColumnName => "Round total";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Time;

    public string Legend => "Sum of the means of all phases with the same parameters (one client's round)";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double totalNs = 0;
        foreach (var other in summary.BenchmarksCases)
        {
            if (other.Parameters.DisplayInfo != benchmarkCase.Parameters.DisplayInfo) continue;
            var statistics = summary[other]?.ResultStatistics;
            if (statistics is null) return "NA";
            totalNs += statistics.Mean;
        }
        return (totalNs / 1e6).ToString("F3", CultureInfo.InvariantCulture) + " ms";
    }
}

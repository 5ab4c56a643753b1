using Federated.Simulations.Partitioning;

namespace Federated.Tests.Simulations.Partitioning;

public sealed class LabelHistogramTests
{
    // Labels by index: 0 0 1 1 2 2 0 1
    private static readonly int[] Labels = [0, 0, 1, 1, 2, 2, 0, 1];

    private static LabelHistogram Small() =>
        LabelHistogram.Compute(PartitionTestData.WithLabels(Labels, 3), [[0, 1, 6], [2, 4], [3, 5, 7]]);

    [Fact]
    public void Counts_AreLabelsPerClient()
    {
        LabelHistogram histogram = Small();

        Assert.Equal([3, 0, 0, 0, 1, 1, 0, 2, 1], histogram.Counts.ToArray());
        Assert.Equal([3, 2, 3], histogram.Totals.ToArray());
        Assert.Equal(2, histogram.Count(2, 1));
    }

    [Fact]
    public void Summary_StatisticsAreExact()
    {
        LabelHistogram histogram = Small();

        Assert.Equal(8, histogram.TotalExamples);
        Assert.Equal(2, histogram.MinExamples);
        Assert.Equal(3.0, histogram.MedianExamples);
        Assert.Equal(3, histogram.MaxExamples);
        Assert.Equal(1, histogram.MinDistinctLabels);
        Assert.Equal(5.0 / 3, histogram.MeanDistinctLabels, 12);
        Assert.Equal(2, histogram.MaxDistinctLabels);
        Assert.Equal((1.0 + 0.5 + 2.0 / 3) / 3, histogram.MeanDominantShare, 12);
        Assert.Equal(1.0, histogram.MaxDominantShare);
        Assert.Contains("examples per client: min 2, median 3.0, max 3", histogram.ToSummaryText(), StringComparison.Ordinal);
    }

    [Fact]
    public void MedianOfAnEvenCount_IsTheMeanOfTheMiddleTwo()
    {
        var histogram = LabelHistogram.Compute(PartitionTestData.WithLabels(Labels, 3), [[0], [1, 2], [3, 4, 5], [6, 7]]);

        Assert.Equal(2.0, histogram.MedianExamples);
    }

    [Fact]
    public void Totals_EqualPartitionSizesOnRealData()
    {
        var data = PartitionTestData.FashionTrain;
        int[][] partition = new DirichletPartitioner(0.5, 10).Partition(data, 50, seed: 3);

        var histogram = LabelHistogram.Compute(data, partition);

        for (int j = 0; j < partition.Length; j++)
        {
            Assert.Equal(partition[j].Length, histogram.Totals[j]);
            int sum = 0;
            foreach (int count in histogram.ClientCounts(j)) sum += count;
            Assert.Equal(partition[j].Length, sum);
        }
        Assert.Equal(data.Count, histogram.TotalExamples);
    }

    [Fact]
    public void WriteCsv_WritesHeaderAndOneRowPerClient()
    {
        string path = Path.Combine(Path.GetTempPath(), $"federated-histogram-{Guid.NewGuid():N}.csv");
        try
        {
            Small().WriteCsv(path);

            Assert.Equal(
                "client,total,label_0,label_1,label_2\n0,3,3,0,0\n1,2,0,1,1\n2,3,0,2,1\n",
                File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void IndexOutsideTheDataset_NamesClientAndIndex()
    {
        var error = Assert.Throws<ArgumentException>(() => LabelHistogram.Compute(PartitionTestData.WithLabels(Labels, 3), [[0], [8]]));

        Assert.Equal("partition", error.ParamName);
        Assert.Contains("Client 1 holds index 8", error.Message, StringComparison.Ordinal);
    }
}

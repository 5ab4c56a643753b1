using Federated.Shared.Data;

namespace Federated.Tests.Data;

public sealed class CsvDatasetReaderTests
{
    [Fact]
    public void StringLabels_BecomeClassesInSortedOrder()
    {
        const string csv = """
            sepal_length,sepal_width,species
            5.1,3.5,setosa
            7.0,3.2,versicolor

            6.3,3.3,"virginica"
            4.9,3.0,setosa
            """;

        CsvDataset result = CsvDatasetReader.Read(new StringReader(csv), "species");

        Assert.Equal(["setosa", "versicolor", "virginica"], result.ClassNames);
        Assert.Equal(["sepal_length", "sepal_width"], result.FeatureNames);
        Assert.Equal([0, 1, 2, 0], result.Data.Labels.ToArray());
        Assert.Equal([2], result.Data.ExampleShape.ToArray());
        Assert.Equal([5.1f, 3.5f, 7.0f, 3.2f, 6.3f, 3.3f, 4.9f, 3.0f], result.Data.Features.ToArray());
    }

    [Fact]
    public void IntegerLabels_AreClassIndices_AndTheLabelColumnMayBeAnywhere()
    {
        const string csv = "label,x\n2,1e-3\n0,-4\n1,  0.5  \n2,7\n";

        CsvDataset result = CsvDatasetReader.Read(new StringReader(csv), "label");

        Assert.Equal(3, result.Data.ClassCount);
        Assert.Equal(["0", "1", "2"], result.ClassNames);
        Assert.Equal([2, 0, 1, 2], result.Data.Labels.ToArray());
        Assert.Equal([0.001f, -4f, 0.5f, 7f], result.Data.Features.ToArray());
    }

    [Fact]
    public void MissingLabelColumn_ListsTheColumns()
    {
        var error = Assert.Throws<ArgumentException>(() => CsvDatasetReader.Read(new StringReader("a,b,target\n1,2,x\n"), "class"));

        Assert.Contains("no column 'class'", error.Message, StringComparison.Ordinal);
        Assert.Contains("a, b, target", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadNumber_NamesLineColumnAndValue()
    {
        const string csv = "x,y,label\n1,2,a\n3,4,b\n5,six,a\n";

        var error = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read(new StringReader(csv), "label", "iris.csv"));

        Assert.Contains("'iris.csv' line 4, column 'y': 'six'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecimalComma_IsRejectedBecauseTheCultureIsInvariant()
    {
        var error = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read(new StringReader("x,label\n\"1,5\",a\n"), "label"));

        Assert.Contains("line 2, column 'x': '1,5'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongFieldCount_NamesTheLine()
    {
        var error = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read(new StringReader("x,label\n1,a\n2\n"), "label"));

        Assert.Contains("line 3 has 1 fields but the header has 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderOnly_IsAnError()
    {
        var error = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.Read(new StringReader("x,label\n"), "label"));

        Assert.Contains("no data rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_IsReadFromDisk()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), "f1,f2,y\n1,2,no\n3,4,yes\n");

        CsvDataset result = CsvDatasetReader.Read(dir.File("d.csv"), "y");

        Assert.Equal(2, result.Data.Count);
        Assert.Equal(["no", "yes"], result.ClassNames);
    }
}

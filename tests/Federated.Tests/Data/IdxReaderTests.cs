using Federated.Shared.Data;

namespace Federated.Tests.Data;

public sealed class IdxReaderTests
{
    private static readonly byte[] Pixels = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255];

    [Theory]
    [InlineData(false, "images.idx")]
    [InlineData(true, "images.idx")] // compressed under a name without .gz: detection is by content
    [InlineData(true, "images.gz")]
    public void Images_RoundTrip_RawOrGzip(bool gzip, string name)
    {
        using var dir = new TempDirectory();
        IdxFiles.Write(dir.File(name), IdxFiles.Images(2, 2, 3, Pixels), gzip);

        IdxImages images = IdxReader.ReadImages(dir.File(name));

        Assert.Equal(2, images.Count);
        Assert.Equal(2, images.Rows);
        Assert.Equal(3, images.Columns);
        Assert.Equal(Pixels, images.Pixels.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Labels_RoundTrip_RawOrGzip(bool gzip)
    {
        using var dir = new TempDirectory();
        byte[] labels = [9, 0, 3, 7];
        IdxFiles.Write(dir.File("labels"), IdxFiles.Labels(labels), gzip);

        Assert.Equal(labels, IdxReader.ReadLabels(dir.File("labels")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedImages_SayTruncatedAndHowMuchWasThere(bool gzip)
    {
        using var dir = new TempDirectory();
        byte[] full = IdxFiles.Images(2, 2, 3, Pixels);
        IdxFiles.Write(dir.File("cut"), full[..^5], gzip);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(dir.File("cut")));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.Contains("7 of the 12 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains(dir.File("cut"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedHeader_SaysTruncated()
    {
        using var dir = new TempDirectory();
        IdxFiles.Write(dir.File("cut"), IdxFiles.Labels([1, 2])[..6], gzip: false);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(dir.File("cut")));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelFileReadAsImages_NamesBothMagicsAndWhatItLooksLike()
    {
        using var dir = new TempDirectory();
        IdxFiles.Write(dir.File("labels"), IdxFiles.Labels([1, 2]), gzip: true);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(dir.File("labels")));

        Assert.Contains("0x00000801", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected 0x00000803", error.Message, StringComparison.Ordinal);
        Assert.Contains("label file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotIdxAtAll_WrongMagic()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("text"), "hello, world");

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(dir.File("text")));

        Assert.Contains("not an IDX label file", error.Message, StringComparison.Ordinal);
    }
}

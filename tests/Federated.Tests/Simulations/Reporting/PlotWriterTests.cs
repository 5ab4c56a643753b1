using Federated.Simulations.Reporting;
using Federated.Tests.Data;
using SkiaSharp;

namespace Federated.Tests.Simulations.Reporting;

public sealed class PlotWriterTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Write_Rounds_IsAPngOfTheRequestedSizeWithContent()
    {
        string path = Path.Combine(_temp.Path, "nested", "plot.png");

        PlotWriter.Write(Rounds.Climbing(), path, "unit test");

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(PngSignature, bytes[..8]);
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        Assert.Equal(PlotWriter.DefaultWidth, bitmap.Width);
        Assert.Equal(PlotWriter.DefaultHeight, bitmap.Height);
        // Lines, labels and legend: far more than a background and a frame.
        var colours = new HashSet<SKColor>();
        for (int y = 0; y < bitmap.Height; y += 3)
            for (int x = 0; x < bitmap.Width; x += 3)
                colours.Add(bitmap.GetPixel(x, y));
        Assert.True(colours.Count > 20, $"only {colours.Count} colours drawn");
    }

    [Fact]
    public void Write_CustomSizeOneRoundAndNaNLoss_StillWrites()
    {
        string path = _temp.File("one.png");

        PlotWriter.Write([Rounds.Make(1, 0.4, loss: double.NaN)], path, "one round", width: 640, height: 360);

        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal((640, 360), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void Write_NoRounds_WritesEmptyAxes()
    {
        string path = _temp.File("empty.png");

        PlotWriter.Write([], path, "nothing yet");

        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal(PlotWriter.DefaultWidth, bitmap.Width);
    }
}

using System.Globalization;
using Federated.Edge.CodeGen;
using Federated.Shared.Models;

namespace Federated.Tests.Edge.Native;

/// <summary>The code generator's report (flash, arena, MACs) against independent counts, and its budget errors.</summary>
public class CGeneratorTests
{
    private const long Flash256K = 256 * 1024;
    private const long Ram64K = 64 * 1024;

    [Fact]
    public void ShippedMlp_FitsTheMicrocontrollerGoal()
    {
        var model = HandBuiltModels.Build(ModelZoo.Mlp(), seed: 1);

        var report = CGenerator.Generate(model, new CGeneratorOptions { FlashBudgetBytes = Flash256K, RamBudgetBytes = Ram64K }).Report;

        Assert.Equal(784L * 200 + 200 * 200 + 200 * 10, report.Macs);
        // Two 200-value hidden vectors live in the arena at once; input and output are the caller's.
        Assert.Equal(400, report.ArenaBytes);
        Assert.Equal(400 + 784 + 10, report.RamBytes);
        Assert.InRange(report.FlashBytes, 784L * 200 + 200 * 200 + 200 * 10, Flash256K);
    }

    [Fact]
    public void ShippedCnn_CountsMacsAndArena_AndFailsTheFlashBudgetByTheRightAmount()
    {
        var model = HandBuiltModels.Build(ModelZoo.Cnn(), seed: 2);

        var report = CGenerator.Generate(model).Report;

        long macs = 32L * 26 * 26 * 1 * 9 + 64L * 24 * 24 * 32 * 9 + 9216L * 128 + 128L * 10;
        Assert.Equal(macs, report.Macs);
        // The two convolutions' outputs (32x26x26 and 64x24x24) are the largest neighbours.
        Assert.Equal(32 * 26 * 26 + 64 * 24 * 24, report.ArenaBytes);
        Assert.True(report.FlashBytes > 1_199_882, $"flash {report.FlashBytes} must hold 1,199,882 int8 parameters' weights at least");

        var error = Assert.Throws<ModelBudgetExceededException>(() =>
            CGenerator.Generate(model, new CGeneratorOptions { Name = "cnn", FlashBudgetBytes = Flash256K, RamBudgetBytes = Ram64K }));
        Assert.Contains("flash", error.Message, StringComparison.Ordinal);
        Assert.Contains((report.FlashBytes - Flash256K).ToString("N0", CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(CGeneratorOptions.FlashBudgetBytes), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RAM", error.Message, StringComparison.Ordinal); // 59,290 bytes fit in 64 KB
        Assert.Equal(report.FlashBytes, error.Report!.FlashBytes);
    }

    [Fact]
    public void RamBudget_NamesRamAndTheOverage()
    {
        var model = HandBuiltModels.Build(ModelZoo.Mlp(), seed: 3);

        var error = Assert.Throws<ModelBudgetExceededException>(() => CGenerator.Generate(model, new CGeneratorOptions { RamBudgetBytes = 1000 }));

        Assert.Contains("RAM", error.Message, StringComparison.Ordinal);
        Assert.Contains("194 bytes over", error.Message, StringComparison.Ordinal); // 400 + 784 + 10 − 1000
        Assert.Contains(nameof(CGeneratorOptions.RamBudgetBytes), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LayerWhoseAccumulatorCouldOverflow_IsRejectedByName()
    {
        // 70,000 inputs · 255 · 127 > 2^31: the int32 accumulator of the C loops could wrap.
        var model = HandBuiltModels.Build(ModelArchitecture.Parse("input 70000; linear 70000 2"), seed: 6);

        var error = Assert.Throws<ArgumentException>(() => CGenerator.Generate(model));

        Assert.Contains("Layer 0 (linear 70000 2)", error.Message, StringComparison.Ordinal);
        Assert.Contains("overflow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_DeclaresTheModelAndItsSizes()
    {
        var model = HandBuiltModels.Build(ModelZoo.Mlp(), seed: 7);

        var generated = CGenerator.Generate(model, new CGeneratorOptions { Name = "mlp" });

        Assert.Equal("mlp_data.h", generated.HeaderFileName);
        Assert.Equal("mlp_data.c", generated.SourceFileName);
        Assert.Contains("#define MLP_INPUT_SIZE 784", generated.HeaderText, StringComparison.Ordinal);
        Assert.Contains("#define MLP_OUTPUT_SIZE 10", generated.HeaderText, StringComparison.Ordinal);
        Assert.Contains("#define MLP_ARENA_SIZE 400", generated.HeaderText, StringComparison.Ordinal);
        Assert.Contains("extern const fed_model mlp;", generated.HeaderText, StringComparison.Ordinal);
        Assert.Contains("const fed_model mlp = { FED_RUNTIME_VERSION, 3, mlp_layers, 784, 10, 400 };", generated.SourceText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Model")]
    [InlineData("9lives")]
    [InlineData("has-dash")]
    [InlineData("")]
    public void InvalidName_IsRejected(string name)
    {
        var model = HandBuiltModels.Build(ModelZoo.LogisticRegression(4, 3), seed: 4);

        var error = Assert.Throws<ArgumentException>(() => CGenerator.Generate(model, new CGeneratorOptions { Name = name }));

        Assert.Contains(nameof(CGeneratorOptions.Name), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("input 784; linear 784 200; relu; linear 200 200; relu; linear 200 10")]
    [InlineData("input 1x28x28; conv2d 1 5 3; relu; maxpool2d 2; relu; flatten; linear 845 10")]
    public async Task FlashReport_EqualsTheCompiledCortexMData(string architecture)
    {
        var model = HandBuiltModels.Build(ModelArchitecture.Parse(architecture), seed: 5);
        var generated = CGenerator.Generate(model, new CGeneratorOptions { Name = "net" });
        string directory = NativeToolchain.NewWorkDirectory("flash");
        try
        {
            var (_, source) = generated.WriteTo(directory);
            string obj = Path.Combine(directory, "net_data.o");
            var (exit, _, stderr) = await ExternalProcess.RunAsync("arm-none-eabi-gcc",
                ["-mcpu=cortex-m3", "-mthumb", "-std=c99", "-O2", "-Wall", "-Werror", "-I" + Path.Combine(NativeToolchain.RuntimeDirectory, "include"), "-c", source, "-o", obj],
                TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, stderr);
            var (sizeExit, sizes, sizeError) = await ExternalProcess.RunAsync("arm-none-eabi-size", ["-A", obj], TimeSpan.FromSeconds(10));
            Assert.True(sizeExit == 0, sizeError);

            long compiled = 0;
            foreach (string line in sizes.Split('\n'))
            {
                string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length >= 2 && (words[0].StartsWith(".rodata", StringComparison.Ordinal) || words[0].StartsWith(".data", StringComparison.Ordinal)
                    || words[0].StartsWith(".text", StringComparison.Ordinal)))
                    compiled += long.Parse(words[1], CultureInfo.InvariantCulture);
            }
            Assert.Equal(compiled, generated.Report.FlashBytes);
        }
        finally
        {
            NativeToolchain.Delete(directory);
        }
    }
}

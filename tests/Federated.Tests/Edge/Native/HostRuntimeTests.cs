using Federated.Edge.CodeGen;
using Federated.Edge.Quantization;
using Federated.Shared.Models;

namespace Federated.Tests.Edge.Native;

/// <summary>
/// The generated C data and the runtime, built with the host's gcc, give exactly the contract's
/// int8 outputs (computed independently by <see cref="ContractReference"/>) on real Fashion-MNIST images.
/// </summary>
public class HostRuntimeTests
{
    [Theory]
    [InlineData("input 784; linear 784 64; relu; dropout 0.2; linear 64 32; relu; linear 32 10", 11)]
    [InlineData("input 1x28x28; conv2d 1 4 3; relu; conv2d 4 8 3; maxpool2d 2; relu; dropout 0.25; flatten; linear 1152 16; relu; linear 16 10", 12)]
    [InlineData("input 1x28x28; conv2d 1 3 4; maxpool2d 3; flatten; linear 192 10", 13)]
    public async Task GeneratedModel_OnHost_MatchesContractBitForBit(string architecture, int seed)
    {
        var model = HandBuiltModels.Build(ModelArchitecture.Parse(architecture), seed);
        sbyte[] images = HandBuiltModels.TestImages(model, 64);
        string directory = NativeToolchain.NewWorkDirectory("host");
        try
        {
            var generated = CGenerator.Generate(model, new CGeneratorOptions { Name = "net" });
            generated.WriteTo(directory);
            File.WriteAllText(Path.Combine(directory, CBatchSource.FileName), CBatchSource.Generate(generated, images));

            var outputs = await NativeToolchain.RunHostAsync(directory, model.Architecture.OutputCount);

            Assert.Equal(64, outputs.Outputs.Length);
            int distinctClasses = outputs.Classes.Distinct().Count();
            for (int i = 0; i < 64; i++)
            {
                sbyte[] expected = ContractReference.Run(model, images.AsSpan(i * 784, 784));
                Assert.True(expected.AsSpan().SequenceEqual(outputs.Outputs[i]), $"image {i}: expected [{string.Join(", ", expected)}], got {outputs.Describe(i)}");
                Assert.Equal(ArgMax(expected), outputs.Classes[i]);
            }
            // The hand-built scales keep outputs spread out, so the comparison is not between saturated vectors.
            Assert.True(distinctClasses >= 2 || outputs.Outputs.SelectMany(o => o).Distinct().Count() > 20);
        }
        finally
        {
            NativeToolchain.Delete(directory);
        }
    }

    [Fact]
    public async Task AppendedSoftmax_IsWithinOneStepOfFloatSoftmax()
    {
        var model = HandBuiltModels.Build(ModelArchitecture.Parse("input 784; linear 784 32; relu; linear 32 10"), 21);
        sbyte[] images = HandBuiltModels.TestImages(model, 48);
        string directory = NativeToolchain.NewWorkDirectory("softmax");
        try
        {
            var generated = CGenerator.Generate(model, new CGeneratorOptions { Name = "soft", AppendSoftmax = true });
            Assert.Equal(new ActivationQuantization(1f / 256, -128), generated.Report.OutputQuantization);
            generated.WriteTo(directory);
            File.WriteAllText(Path.Combine(directory, CBatchSource.FileName), CBatchSource.Generate(generated, images));

            var outputs = await NativeToolchain.RunHostAsync(directory, 10);

            for (int i = 0; i < 48; i++)
            {
                sbyte[] logits = ContractReference.Run(model, images.AsSpan(i * 784, 784));
                double[] probabilities = FloatSoftmax(logits, model.Output.Scale);
                for (int j = 0; j < 10; j++)
                {
                    int expected = (int)Math.Clamp(Math.Round(probabilities[j] * 256) - 128, -128, 127);
                    Assert.True(Math.Abs(expected - outputs.Outputs[i][j]) <= 1, $"image {i} class {j}: float softmax gives {expected}, the runtime {outputs.Outputs[i][j]}");
                }
                Assert.Equal(ArgMax(logits), outputs.Classes[i]);
            }
        }
        finally
        {
            NativeToolchain.Delete(directory);
        }
    }

    [Fact]
    public async Task ModelWithoutKernels_CopiesInputToOutput()
    {
        var model = new QuantizedModel(ModelArchitecture.Parse("input 12; dropout 0.5"),
            [new ActivationQuantization(0.1f, 3), new ActivationQuantization(0.1f, 3)], [null]);
        var input = new sbyte[24];
        for (int i = 0; i < input.Length; i++) input[i] = (sbyte)(i * 11 - 128);
        string directory = NativeToolchain.NewWorkDirectory("copy");
        try
        {
            var generated = CGenerator.Generate(model);
            Assert.Equal(0, generated.Report.ArenaBytes);
            generated.WriteTo(directory);
            File.WriteAllText(Path.Combine(directory, CBatchSource.FileName), CBatchSource.Generate(generated, input));

            var outputs = await NativeToolchain.RunHostAsync(directory, 12);

            Assert.Equal(input[..12], outputs.Outputs[0]);
            Assert.Equal(input[12..], outputs.Outputs[1]);

            // The same program reads raw inputs from a file instead (how a whole test set runs).
            string file = Path.Combine(directory, "inputs.bin");
            File.WriteAllBytes(file, System.Runtime.InteropServices.MemoryMarshal.AsBytes(input.AsSpan(12)).ToArray());
            var fromFile = await NativeToolchain.RunHostAsync(directory, 12, file);
            Assert.Single(fromFile.Outputs);
            Assert.Equal(input[12..], fromFile.Outputs[0]);
        }
        finally
        {
            NativeToolchain.Delete(directory);
        }
    }

    internal static int ArgMax(ReadOnlySpan<sbyte> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }

    private static double[] FloatSoftmax(sbyte[] logits, float scale)
    {
        int max = logits.Max();
        var e = logits.Select(q => Math.Exp((q - max) * (double)scale)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}

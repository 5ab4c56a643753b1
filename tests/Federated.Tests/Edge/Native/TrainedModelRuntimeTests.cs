using Federated.Edge.CodeGen;
using Federated.Tests.Torch;

namespace Federated.Tests.Edge.Native;

/// <summary>
/// The shipped MLP and CNN, trained and quantized: the generated C data with the runtime, built by
/// the host's gcc and by arm-none-eabi-gcc for three Cortex-M cores under QEMU, reproduce the C#
/// Int8Engine's logits bit for bit.
/// </summary>
[Collection(TorchTestGroup.Name)]
public sealed class TrainedModelRuntimeTests
{
    public static TheoryData<string> Models => new() { "mlp", "cnn" };

    public static TheoryData<string, string> ModelsOnBoards
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string board in NativeToolchain.Boards)
            {
                data.Add("mlp", board);
                data.Add("cnn", board);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task HostBuild_MatchesInt8Engine_BitForBit(string name)
    {
        var trained = QuantizedTrainedModel.Get(name);
        string directory = trained.WriteBuildDirectory("host", trained.Count);
        try
        {
            var outputs = await NativeToolchain.RunHostAsync(directory, trained.OutputCount);

            Assert.Equal(trained.Count, outputs.Outputs.Length);
            int correct = 0;
            for (int i = 0; i < trained.Count; i++)
            {
                Assert.True(trained.ExpectedLogits(i).SequenceEqual(outputs.Outputs[i]),
                    $"image {i}: Int8Engine [{string.Join(", ", trained.ExpectedLogits(i).ToArray())}], C {outputs.Describe(i)}");
                Assert.Equal(HostRuntimeTests.ArgMax(trained.ExpectedLogits(i)), outputs.Classes[i]);
                if (outputs.Classes[i] == trained.Labels[i]) correct++;
            }
            // A trained model, not noise: well above the 10 % of chance even after one short epoch.
            Assert.True(correct > trained.Count * 6 / 10, $"only {correct} of {trained.Count} correct");
        }
        finally
        {
            NativeToolchain.Delete(directory);
        }
    }

    [Theory]
    [MemberData(nameof(ModelsOnBoards))]
    public async Task CortexMBuildUnderQemu_MatchesHostBuildAndInt8Engine(string name, string board)
    {
        var trained = QuantizedTrainedModel.Get(name);
        // The CNN is 12 M MACs an image: a batch QEMU finishes in seconds.
        int images = name == "cnn" ? 12 : 100;
        string directory = trained.WriteBuildDirectory(board, images);
        try
        {
            var host = await NativeToolchain.RunHostAsync(directory, trained.OutputCount);
            var device = await NativeToolchain.RunBoardAsync(directory, board, trained.OutputCount, TimeSpan.FromSeconds(60));

            Assert.Equal(images, device.Outputs.Length);
            Assert.Equal(CGenerator.LayerRowBytes, device.LayerBytes);
            for (int i = 0; i < images; i++)
            {
                Assert.True(host.Outputs[i].AsSpan().SequenceEqual(device.Outputs[i]), $"image {i}: host {host.Describe(i)}, {board} {device.Describe(i)}");
                Assert.True(trained.ExpectedLogits(i).SequenceEqual(device.Outputs[i]), $"image {i}: Int8Engine differs from {board} {device.Describe(i)}");
                Assert.Equal(host.Classes[i], device.Classes[i]);
            }
        }
        finally
        {
            NativeToolchain.Delete(directory);
        }
    }
}

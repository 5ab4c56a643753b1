using Federated.Torch;
using TorchSharp;

namespace Federated.Tests.Torch;

[Collection(TorchTestGroup.Name)]
public sealed class TorchDevicesTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void Cpu_IsTheCpu(string spec) => Assert.Equal(DeviceType.CPU, TorchDevices.Resolve(spec).type);

    [Fact]
    public void Auto_PicksCudaExactlyWhenAvailable()
    {
        var expected = torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU;

        Assert.Equal(expected, TorchDevices.Resolve("auto").type);
    }

    [Fact]
    public void Cuda_WithoutAGpu_SaysHowToGetOne()
    {
        if (torch.cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, TorchDevices.Resolve("cuda:0").type);
            return;
        }
        var error = Assert.Throws<InvalidOperationException>(() => TorchDevices.Resolve("cuda:0"));

        Assert.Contains("TorchBackend=cuda", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    public void Nonsense_IsRejected(string spec) => Assert.Throws<ArgumentException>(() => TorchDevices.Resolve(spec));
}

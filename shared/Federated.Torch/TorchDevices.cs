using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Federated.Torch;

/// <summary>Turns a device setting from configuration into a libtorch device.</summary>
public static class TorchDevices
{
    /// <summary>
    /// Resolves <c>auto</c> (CUDA when libtorch sees a GPU, else CPU), <c>cpu</c>, <c>cuda</c>
    /// or <c>cuda:N</c>. Asking for CUDA where there is none fails rather than silently
    /// training on the CPU, which would be much slower than the operator expects.
    /// </summary>
    /// <summary>
    /// Loads libtorch's CUDA backend once. TorchSharp finds the CUDA libraries of a libtorch that
    /// is not its own package (e.g. PyTorch's, through LD_LIBRARY_PATH) only when asked to.
    /// </summary>
    private static readonly Lazy<bool> CudaUsable = new(() =>
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CUDA);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or DllNotFoundException or TypeInitializationException or ExternalException)
        {
            return false;
        }
        return torch.cuda.is_available();
    });

    public static torch.Device Resolve(string device)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        string spec = device.Trim().ToLowerInvariant();
        if (spec == "auto") return CudaUsable.Value ? torch.CUDA : torch.CPU;
        if (spec == "cpu") return torch.CPU;
        if (spec == "cuda" || spec.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (spec.Length > 4 && (!int.TryParse(spec.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out index)))
                throw new ArgumentException($"Device '{device}' has no valid GPU index; write 'cuda' or 'cuda:N' with N = 0, 1, ...", nameof(device));
            if (!CudaUsable.Value)
                throw new InvalidOperationException(
                    $"Device '{device}' asks for CUDA, but libtorch reports no usable CUDA device. Build with " +
                    "-p:TorchBackend=cuda (the libtorch-cuda package), or with -p:TorchBackend=none and LD_LIBRARY_PATH " +
                    "pointing at a CUDA libtorch (e.g. PyTorch's torch/lib), on a machine with an NVIDIA GPU and driver; or use 'cpu' or 'auto'.");
            int count = torch.cuda.device_count();
            if (index >= count)
                throw new ArgumentException($"Device '{device}' asks for GPU {index}, but only {count} CUDA device(s) exist (0..{count - 1}).", nameof(device));
            return new torch.Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"Unknown device '{device}'. Use 'auto', 'cpu', 'cuda' or 'cuda:N'.", nameof(device));
    }
}

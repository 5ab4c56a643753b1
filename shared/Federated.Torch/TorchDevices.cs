using System.Globalization;
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
    public static torch.Device Resolve(string device)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        string spec = device.Trim().ToLowerInvariant();
        if (spec == "auto") return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        if (spec == "cpu") return torch.CPU;
        if (spec == "cuda" || spec.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (spec.Length > 4 && (!int.TryParse(spec.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out index)))
                throw new ArgumentException($"Device '{device}' has no valid GPU index; write 'cuda' or 'cuda:N' with N = 0, 1, ...", nameof(device));
            if (!torch.cuda.is_available())
                throw new InvalidOperationException(
                    $"Device '{device}' asks for CUDA, but libtorch reports no usable CUDA device. Build with " +
                    "-p:TorchBackend=cuda (the libtorch-cuda package) on a machine with an NVIDIA GPU and driver, or use 'cpu' or 'auto'.");
            int count = torch.cuda.device_count();
            if (index >= count)
                throw new ArgumentException($"Device '{device}' asks for GPU {index}, but only {count} CUDA device(s) exist (0..{count - 1}).", nameof(device));
            return new torch.Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"Unknown device '{device}'. Use 'auto', 'cpu', 'cuda' or 'cuda:N'.", nameof(device));
    }
}

using System.Runtime.InteropServices;
using Federated.Shared.Parameters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Federated.Torch;

/// <summary>
/// Moves parameters between a module and a flat <see cref="ParameterBuffer"/> in bulk: one
/// memory copy per tensor, straight into or out of libtorch's storage where the tensor is a
/// contiguous CPU tensor, through one staging CPU tensor otherwise (e.g. on CUDA).
/// </summary>
public static class TorchParameters
{
    /// <summary>Loads <paramref name="source"/> into the module's parameters.</summary>
    public static void CopyToModule(nn.Module module, ParameterBuffer source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Parameter[] parameters = MatchLayout(module, source.Layout);
        using var noGrad = torch.no_grad();
        for (int i = 0; i < parameters.Length; i++)
        {
            Parameter parameter = parameters[i];
            ReadOnlySpan<byte> values = MemoryMarshal.AsBytes<float>(source.Tensor(i));
            if (IsDirectlyAddressable(parameter))
            {
                values.CopyTo(parameter.bytes);
                continue;
            }
            using var staging = torch.empty(parameter.shape, ScalarType.Float32, torch.CPU);
            values.CopyTo(staging.bytes);
            parameter.copy_(staging);
        }
    }

    /// <summary>Stores the module's parameters into <paramref name="destination"/>.</summary>
    public static void CopyFromModule(nn.Module module, ParameterBuffer destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Parameter[] parameters = MatchLayout(module, destination.Layout);
        for (int i = 0; i < parameters.Length; i++)
        {
            Parameter parameter = parameters[i];
            Span<byte> values = MemoryMarshal.AsBytes(destination.Tensor(i));
            if (IsDirectlyAddressable(parameter))
            {
                parameter.bytes.CopyTo(values);
                continue;
            }
            using var scope = torch.NewDisposeScope();
            Tensor onCpu = parameter.detach().to(torch.CPU).contiguous();
            onCpu.bytes.CopyTo(values);
        }
    }

    /// <summary>
    /// The module's parameters in order, after checking that names, shapes and element type
    /// agree with <paramref name="layout"/>; the error names the first tensor that does not.
    /// </summary>
    public static Parameter[] MatchLayout(nn.Module module, ParameterLayout layout)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(layout);
        var found = new List<(string Name, Parameter Parameter)>(layout.Count);
        foreach (var named in module.named_parameters()) found.Add(named);

        int common = Math.Min(found.Count, layout.Count);
        for (int i = 0; i < common; i++)
        {
            var (name, parameter) = found[i];
            TensorSpec expected = layout.Tensors[i];
            if (name != expected.Name || !SameShape(parameter.shape, expected.Shape))
                throw new ArgumentException(
                    $"Parameter {i} of the module is '{name}' [{string.Join('x', parameter.shape)}] but the layout expects {expected}.", nameof(layout));
            if (parameter.dtype != ScalarType.Float32)
                throw new ArgumentException($"Parameter '{name}' holds {parameter.dtype}; only Float32 parameters are supported.", nameof(module));
        }
        if (found.Count != layout.Count)
        {
            string first = found.Count > layout.Count ? $"'{found[common].Name}' is extra" : $"{layout.Tensors[common]} is missing";
            throw new ArgumentException($"The module has {found.Count} parameter tensors but the layout has {layout.Count}; {first}.", nameof(layout));
        }

        var parameters = new Parameter[found.Count];
        for (int i = 0; i < parameters.Length; i++) parameters[i] = found[i].Parameter;
        return parameters;
    }

    private static bool IsDirectlyAddressable(Tensor tensor) =>
        tensor.device_type == DeviceType.CPU && tensor.is_contiguous();

    private static bool SameShape(long[] actual, ReadOnlySpan<int> expected)
    {
        if (actual.Length != expected.Length) return false;
        for (int i = 0; i < actual.Length; i++)
        {
            if (actual[i] != expected[i]) return false;
        }
        return true;
    }
}

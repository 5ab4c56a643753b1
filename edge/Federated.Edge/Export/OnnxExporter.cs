using Federated.Edge.Export.Internal;
using Federated.Edge.Quantization;
using Federated.Shared.Models;
using Federated.Shared.Parameters;
using Federated.Shared.Serialization;
using Google.Protobuf;

namespace Federated.Edge.Export;

/// <summary>
/// Turns a model into ONNX bytes: FP32 from an architecture and its float parameters (a model file's
/// snapshot, a parameter buffer, or a bare span), INT8 QDQ from a <see cref="QuantizedModel"/>. The
/// graph takes float32 <c>input</c> <c>[N, ...InputShape]</c> and gives float32 <c>logits</c>
/// <c>[N, classes]</c> either way, so one runner serves both.
/// </summary>
public static class OnnxExporter
{
    /// <summary>Exports a snapshot (as <see cref="ModelFile.Read"/> returns it) with its round and content hash.</summary>
    public static byte[] ExportFloat(ModelSnapshot snapshot, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ModelArchitecture architecture = snapshot.Architecture
            ?? throw new ArgumentException("The model has no architecture, so its parameters cannot be laid out as a network; export it with an explicit architecture.", nameof(snapshot));
        options ??= OnnxExportOptions.Default;
        var withSnapshot = new OnnxExportOptions
        {
            Round = options.Round ?? snapshot.Round,
            ContentHash = options.ContentHash ?? snapshot.ContentHash,
            ExposeActivations = options.ExposeActivations,
        };
        return ExportFloat(architecture, snapshot.Parameters, withSnapshot);
    }

    /// <summary>Exports parameters whose layout must be the architecture's (names and shapes, in order).</summary>
    public static byte[] ExportFloat(ModelArchitecture architecture, ParameterBuffer parameters, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterChecks.CheckLayout(architecture, parameters.Layout);
        return ExportFloat(architecture, (ReadOnlySpan<float>)parameters.Values, options);
    }

    /// <summary>Exports a flat buffer in the architecture's layout order.</summary>
    public static byte[] ExportFloat(ModelArchitecture architecture, ReadOnlySpan<float> parameters, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        options ??= OnnxExportOptions.Default;
        ParameterChecks.CheckLength(architecture, parameters.Length);
        ParameterChecks.CheckFinite(architecture, parameters);
        string contentHash = options.ContentHash ?? ModelContentHash.Compute(architecture.Layout, parameters);
        return FloatGraphWriter.Write(architecture, parameters, options, contentHash).ToByteArray();
    }

    /// <summary>Exports an INT8 model in the QDQ format (S8S8) that ONNX Runtime runs with integer kernels.</summary>
    public static byte[] ExportQuantized(QuantizedModel model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return QdqGraphWriter.Write(model, options ?? OnnxExportOptions.Default).ToByteArray();
    }
}

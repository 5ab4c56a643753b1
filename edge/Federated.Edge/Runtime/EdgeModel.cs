using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using Federated.Edge.Onnx;
using Federated.Edge.Runtime.Internal;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Federated.Edge.Runtime;

/// <summary>
/// A classifier in ONNX served by ONNX Runtime: float32 input <c>[N, ...]</c> in, float32 class scores
/// <c>[N, classes]</c> out. Loads FP32 and QDQ INT8 models alike (from a file or from bytes received
/// over the wire), checks every batch's length before it reaches native code, and owns its session:
/// dispose it when done. Runs are thread-safe (ONNX Runtime sessions are).
/// </summary>
public sealed class EdgeModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _sessionOptions;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _exampleShape;
    private int _disposed;

    private EdgeModel(InferenceSession session, SessionOptions sessionOptions, string source, TensorDescription input, TensorDescription output)
    {
        _session = session;
        _sessionOptions = sessionOptions;
        Source = source;
        Input = input;
        Output = output;
        _inputNames = [input.Name];
        _outputNames = [output.Name];
        _exampleShape = [.. input.Shape.Skip(1)];
        long length = 1;
        foreach (long dim in _exampleShape) length *= dim;
        InputLength = checked((int)length);
        OutputLength = checked((int)output.Shape[1]);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Metadata = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
    }

    /// <summary>What the model was loaded from, as error messages name it.</summary>
    public string Source { get; }

    /// <summary>The graph input; its first dimension is the batch (−1 when symbolic).</summary>
    public TensorDescription Input { get; }

    /// <summary>The class scores (<see cref="OnnxNames.Logits"/> when the model has it, else its first output).</summary>
    public TensorDescription Output { get; }

    /// <summary>Floats per example.</summary>
    public int InputLength { get; }

    /// <summary>Classes (scores per example).</summary>
    public int OutputLength { get; }

    /// <summary>The model's metadata properties (architecture, content hash, round for Federated exports).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static EdgeModel Load(string path, EdgeModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new EdgeModelException($"ONNX model file '{path}' does not exist.", e);
        }
        return Load(bytes, options, $"ONNX model file '{path}'");
    }

    /// <summary>Loads a model from bytes; <paramref name="source"/> only names it in error messages.</summary>
    public static EdgeModel Load(ReadOnlyMemory<byte> model, EdgeModelOptions? options = null, string source = "ONNX model")
    {
        ArgumentNullException.ThrowIfNull(source);
        // Our own parse first: protobuf errors and missing graphs get a message about the file, not ORT's.
        OnnxModelReader.Parse(model.Span, source);
        SessionOptions sessionOptions = SessionFactory.CreateOptions(options ?? EdgeModelOptions.Default);
        InferenceSession? session = null;
        try
        {
            session = SessionFactory.Create(model.ToArray(), sessionOptions, source);
            TensorDescription input = DescribeInput(session, source);
            TensorDescription output = DescribeOutput(session, source);
            return new EdgeModel(session, sessionOptions, source, input, output);
        }
        catch
        {
            session?.Dispose();
            sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>Runs a batch of <paramref name="batchSize"/> examples laid end to end; returns <c>batchSize × OutputLength</c> scores.</summary>
    public float[] Run(ReadOnlySpan<float> batch, int batchSize)
    {
        CheckBatch(batch.Length, batchSize);
        var logits = new float[batchSize * OutputLength];
        Run(batch, batchSize, logits);
        return logits;
    }

    /// <summary>Runs a batch whose shape is given explicitly; it must be <c>[N, ...Input.Shape[1..]]</c>.</summary>
    public float[] Run(ReadOnlySpan<float> batch, ReadOnlySpan<int> shape)
    {
        CheckShape(shape);
        return Run(batch, shape[0]);
    }

    /// <summary>Runs a batch into <paramref name="logits"/> (<c>batchSize × OutputLength</c>) without allocating the result.</summary>
    public unsafe void Run(ReadOnlySpan<float> batch, int batchSize, Span<float> logits)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        CheckBatch(batch.Length, batchSize);
        if (logits.Length != batchSize * OutputLength)
            throw new ArgumentException($"The logits buffer holds {logits.Length} floats; {batchSize} examples of {OutputLength} classes need {batchSize * OutputLength}.", nameof(logits));

        long[] inputShape = new long[_exampleShape.Length + 1];
        inputShape[0] = batchSize;
        _exampleShape.CopyTo(inputShape, 1);
        fixed (float* input = batch)
        fixed (float* output = logits)
        {
            // Tensors over the caller's memory: no copy in or out (ORT only reads inputs).
            using var inputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float,
                inputShape, (nint)input, (long)batch.Length * sizeof(float));
            using var outputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float,
                [batchSize, OutputLength], (nint)output, (long)logits.Length * sizeof(float));
            try
            {
                _session.Run(_runOptions, _inputNames, [inputValue], _outputNames, [outputValue]);
            }
            catch (OnnxRuntimeException e)
            {
                throw new EdgeModelException($"ONNX Runtime failed to run {Source} on a batch of {batchSize}: {e.Message}", e);
            }
        }
    }

    /// <summary>The highest-scoring class of each example.</summary>
    public int[] Classify(ReadOnlySpan<float> batch, int batchSize)
    {
        float[] logits = Run(batch, batchSize);
        var classes = new int[batchSize];
        for (int i = 0; i < batchSize; i++) classes[i] = TensorPrimitives.IndexOfMax(logits.AsSpan(i * OutputLength, OutputLength));
        return classes;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _session.Dispose();
        _runOptions.Dispose();
        _sessionOptions.Dispose();
    }

    private void CheckBatch(int length, int batchSize)
    {
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "A batch needs at least one example.");
        if (Input.Shape[0] >= 0 && Input.Shape[0] != batchSize)
            throw new ArgumentException($"{Source} takes batches of exactly {Input.Shape[0]} (input {Input}), not {batchSize}.", nameof(batchSize));
        if ((long)batchSize * InputLength != length)
            ThrowLength(length, batchSize);
    }

    private void CheckShape(ReadOnlySpan<int> shape)
    {
        bool matches = shape.Length == _exampleShape.Length + 1 && shape[0] > 0;
        for (int i = 0; matches && i < _exampleShape.Length; i++) matches = shape[i + 1] == _exampleShape[i];
        if (!matches)
            throw new ArgumentException($"Input of shape [{string.Join(", ", shape.ToArray())}] does not fit {Source}, which takes {Input}.", nameof(shape));
    }

    [DoesNotReturn]
    private void ThrowLength(int length, int batchSize) =>
        throw new ArgumentException(
            $"A batch of {batchSize} for {Source} needs {(long)batchSize * InputLength} floats ({batchSize} × {InputLength}, input {Input}), got {length}.");

    private static TensorDescription DescribeInput(InferenceSession session, string source)
    {
        if (session.InputMetadata.Count != 1)
            throw new EdgeModelException($"{source} has {session.InputMetadata.Count} inputs ({string.Join(", ", session.InputMetadata.Keys)}); this runner feeds models with one.");
        var (name, metadata) = session.InputMetadata.First();
        TensorDescription input = Describe(name, metadata);
        if (!metadata.IsTensor || metadata.ElementDataType != TensorElementType.Float)
            throw new EdgeModelException($"{source} takes input {input}; this runner feeds float32 tensors.");
        if (input.Shape.Count < 2)
            throw new EdgeModelException($"{source} takes input {input}; a batch needs a batch axis and at least one feature axis.");
        for (int i = 1; i < input.Shape.Count; i++)
        {
            if (input.Shape[i] <= 0)
                throw new EdgeModelException($"{source} takes input {input}; every axis but the batch axis must have a fixed size.");
        }
        return input;
    }

    private static TensorDescription DescribeOutput(InferenceSession session, string source)
    {
        var (name, metadata) = session.OutputMetadata.TryGetValue(OnnxNames.Logits, out var logits)
            ? new KeyValuePair<string, NodeMetadata>(OnnxNames.Logits, logits)
            : session.OutputMetadata.First();
        TensorDescription output = Describe(name, metadata);
        if (!metadata.IsTensor || metadata.ElementDataType != TensorElementType.Float || output.Shape.Count != 2 || output.Shape[1] <= 0)
            throw new EdgeModelException($"{source} gives output {output}; this runner serves classifiers with float32 scores [N, classes].");
        return output;
    }

    private static TensorDescription Describe(string name, NodeMetadata metadata)
    {
        if (!metadata.IsTensor) return new TensorDescription(name, metadata.OnnxValueType.ToString(), [], []);
        var shape = new long[metadata.Dimensions.Length];
        for (int i = 0; i < shape.Length; i++) shape[i] = metadata.Dimensions[i];
        string[] symbols = metadata.SymbolicDimensions ?? [];
        return new TensorDescription(name, metadata.ElementDataType.ToString().ToLowerInvariant(), shape, symbols);
    }
}

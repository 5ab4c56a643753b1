using Microsoft.ML.OnnxRuntime;

namespace Federated.Edge.Runtime.Internal;

/// <summary>Creates ONNX Runtime sessions with the options' settings, turning runtime refusals into errors that name the model.</summary>
internal static class SessionFactory
{
    public static SessionOptions CreateOptions(EdgeModelOptions options)
    {
        options.Validate();
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = options.OptimizationLevel,
            // Warnings go to the caller as exceptions or results; ORT's own console log would only add noise.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (options.IntraOpThreads > 0) sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
        // kOrtSessionOptionsAvx2PrecisionMode (onnxruntime_session_options_config_keys.h); ORT ignores it off x86-64.
        if (options.ExactX64Int8) sessionOptions.AddSessionConfigEntry("session.x64quantprecision", "1");
        return sessionOptions;
    }

    public static InferenceSession Create(byte[] model, SessionOptions sessionOptions, string source)
    {
        try
        {
            return new InferenceSession(model, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new EdgeModelException($"ONNX Runtime cannot load {source}: {e.Message}", e);
        }
    }
}

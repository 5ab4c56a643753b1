using Microsoft.Extensions.Logging;

namespace Federated.Client.Torch;

public sealed partial class TorchTrainer
{
    /// <summary>Source-generated log messages; event ids 4100–4199 belong to the Torch trainer.</summary>
    private static partial class Log
    {
        [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
            Message = "Trained {Epochs} epoch(s) on {Examples} examples: loss {Loss:F4}, accuracy {Accuracy:P1}, {StepsPerSecond:F1} steps/s on {Device}")]
        public static partial void Fitted(ILogger logger, int epochs, int examples, double loss, double accuracy, double stepsPerSecond, TorchSharp.torch.Device device);

        [LoggerMessage(EventId = 4101, Level = LogLevel.Information,
            Message = "Evaluated on {Examples} examples: loss {Loss:F4}, accuracy {Accuracy:P1}")]
        public static partial void Evaluated(ILogger logger, long examples, double loss, double accuracy);
    }
}

using Microsoft.Extensions.Logging;

namespace Federated.Client.DeviceSample;

internal static partial class DeviceLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Done: {Tasks} tasks, final model {Hash}")]
    public static partial void Done(ILogger logger, int tasks, string hash);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plain-text MQTT (--insecure): anyone on the network can read and change what this device sends; for local development only")]
    public static partial void PlainText(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Message}")]
    public static partial void Failed(ILogger logger, string message);
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Federated.Coordinator.Mqtt;

/// <summary>Refuses unsound <c>Mqtt</c> options at start-up with a message naming the key.</summary>
internal sealed class MqttChannelOptionsValidator : IValidateOptions<MqttChannelOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttChannelOptions options) =>
        options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}

public static class MqttServiceCollectionExtensions
{
    /// <summary>
    /// Adds the MQTT channel when the <c>Mqtt</c> section enables it (options validated at start-up,
    /// errors name the key): the embedded broker when <c>Mqtt:Broker</c> is Embedded (it starts
    /// before the channel connects to it), and the channel itself. Call after
    /// <c>AddFederatedCoordinator</c>; the gRPC channel stays available beside it.
    /// </summary>
    public static IServiceCollection AddFederatedMqtt(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(MqttChannelOptions.SectionName);
        services.AddOptions<MqttChannelOptions>()
            .Bind(section, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MqttChannelOptions>, MqttChannelOptionsValidator>();
        var options = new MqttChannelOptions();
        section.Bind(options);
        if (!options.Enabled) return services;
        if (options.Broker == MqttBrokerMode.Embedded)
        {
            services.AddSingleton<EmbeddedMqttBroker>();
            services.AddHostedService(provider => provider.GetRequiredService<EmbeddedMqttBroker>());
        }
        services.AddSingleton<MqttCoordinatorChannel>();
        services.AddHostedService(provider => provider.GetRequiredService<MqttCoordinatorChannel>());
        return services;
    }
}

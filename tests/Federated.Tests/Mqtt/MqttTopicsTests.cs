using Federated.Protocol;

namespace Federated.Tests.Mqtt;

public class MqttTopicsTests
{
    [Fact]
    public void Topics_of_a_federation_name_their_device_and_model_chunk()
    {
        var topics = new MqttTopics("clinic");
        Assert.Equal("federated/clinic/c/phone-7/req", topics.Requests("phone-7"));
        Assert.Equal("phone-7", topics.DeviceOf(topics.Requests("phone-7")));
        Assert.Equal("phone-7", topics.DeviceOf(topics.Presence("phone-7")));
        Assert.Null(topics.DeviceOf("federated/other/c/phone-7/req"));
        Assert.Null(topics.DeviceOf(topics.Replies("phone-7")));
        Assert.True(topics.IsModelChunk(topics.ModelChunk("abc", Codec.Int8, 12), out int index));
        Assert.Equal(12, index);
        Assert.Equal("federated/clinic/models/abc/2/+", topics.ModelChunks("abc", Codec.Int8));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("+")]
    [InlineData("#")]
    [InlineData("")]
    public void Levels_with_separators_or_wildcards_are_refused(string level)
    {
        Assert.False(MqttTopics.IsValidLevel(level));
        Assert.Throws<ArgumentException>(() => new MqttTopics(level));
        Assert.Throws<ArgumentException>(() => new MqttTopics("ok").Requests(level));
    }
}

using Federated.Shared.Codecs;

namespace Federated.Tests.Codecs;

public class CodecNegotiationTests
{
    [Fact]
    public void First_server_preference_the_client_supports_wins()
    {
        Assert.Equal(CodecKind.Fp16, CodecNegotiation.Choose([CodecKind.Fp16, CodecKind.Fp32], [CodecKind.Int8, CodecKind.Fp16, CodecKind.Fp32]));
        Assert.Equal(CodecKind.Int8, CodecNegotiation.Choose([CodecKind.Fp16, CodecKind.Int8], [CodecKind.Int8, CodecKind.Fp16]));
    }

    [Fact]
    public void Client_order_does_not_matter_only_server_order()
    {
        Assert.Equal(CodecKind.Int8Stochastic, CodecNegotiation.Choose([CodecKind.Int8, CodecKind.Int8Stochastic], [CodecKind.Int8Stochastic, CodecKind.Int8]));
    }

    [Fact]
    public void A_client_listing_nothing_gets_fp32()
    {
        Assert.Equal(CodecKind.Fp32, CodecNegotiation.Choose([], [CodecKind.Int8, CodecKind.Fp16]));
    }

    [Fact]
    public void No_common_codec_falls_back_to_fp32_even_if_neither_lists_it()
    {
        Assert.Equal(CodecKind.Fp32, CodecNegotiation.Choose([CodecKind.Fp16], [CodecKind.Int8]));
        Assert.Equal(CodecKind.Fp32, CodecNegotiation.Choose([CodecKind.Int8], []));
    }

    [Fact]
    public void Fp32_preferred_by_the_server_is_chosen_even_if_the_client_omits_it()
    {
        Assert.Equal(CodecKind.Fp32, CodecNegotiation.Choose([CodecKind.Int8], [CodecKind.Fp32, CodecKind.Int8]));
    }

    [Fact]
    public void Unknown_codec_values_are_ignored()
    {
        Assert.Equal(CodecKind.Fp16, CodecNegotiation.Choose([(CodecKind)42, CodecKind.Fp16], [(CodecKind)42, CodecKind.Fp16]));
    }
}

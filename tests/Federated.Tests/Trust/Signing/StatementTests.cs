using System.Text;
using Federated.Trust.Statements;

namespace Federated.Tests.Trust.Signing;

public sealed class StatementTests
{
    [Fact]
    public void Model_statement_has_a_fixed_canonical_form()
    {
        var statement = ModelStatement.For("ABCDEF", "Int8", "abc"u8, 7);
        Assert.Equal(
            "federated-model-statement/1\ncontent-hash:abcdef\ncodec:Int8\n" +
            "served-sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\nround:7\n",
            Encoding.UTF8.GetString(statement.ToCanonicalBytes()));
    }

    [Fact]
    public void Update_statement_binds_client_task_round_codec_and_payload()
    {
        byte[] payload = [1, 2, 3];
        var statement = UpdateStatement.For("site-a", "r3-fit-0-x", 3, "Fp16", payload);
        byte[] canonical = statement.ToCanonicalBytes();
        Assert.NotEqual(canonical, (statement with { ClientId = "site-b" }).ToCanonicalBytes());
        Assert.NotEqual(canonical, (statement with { TaskId = "r3-fit-1-x" }).ToCanonicalBytes());
        Assert.NotEqual(canonical, (statement with { Round = 4 }).ToCanonicalBytes());
        Assert.NotEqual(canonical, (statement with { Codec = "Fp32" }).ToCanonicalBytes());
        Assert.NotEqual(canonical, UpdateStatement.For("site-a", "r3-fit-0-x", 3, "Fp16", [1, 2, 4]).ToCanonicalBytes());
        Assert.Equal(canonical, UpdateStatement.For("site-a", "r3-fit-0-x", 3, "Fp16", [1, 2, 3]).ToCanonicalBytes());
    }

    [Fact]
    public void Field_with_a_line_break_cannot_forge_another_statement()
    {
        var forged = new UpdateStatement("site-a\ntask-id:x", "t", 1, "Fp32", "00");
        var error = Assert.Throws<ArgumentException>(() => forged.ToCanonicalBytes());
        Assert.Contains("client-id", error.Message, StringComparison.Ordinal);
    }
}

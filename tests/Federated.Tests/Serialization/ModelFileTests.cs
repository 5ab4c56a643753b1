using Federated.Shared.Models;
using Federated.Shared.Serialization;

namespace Federated.Tests.Serialization;

public class ModelFileTests
{
    private static ModelSnapshot Mlp(int seed = 1) => new(5, ModelZoo.Mlp(), ParameterInitializer.Initialize(ModelZoo.Mlp(), seed));

    [Fact]
    public void Round_trip_keeps_every_bit_and_the_metadata()
    {
        var snapshot = Mlp();
        var read = ModelFile.Read(ModelFile.ToBytes(snapshot), snapshot.ContentHash);
        Assert.Equal(5, read.Round);
        Assert.Equal(snapshot.Architecture, read.Architecture);
        Assert.Equal(snapshot.Parameters.Array, read.Parameters.Array);
        Assert.Equal(snapshot.ContentHash, read.ContentHash);
    }

    [Fact]
    public void File_round_trip_through_disk()
    {
        string path = Path.Combine(Path.GetTempPath(), $"federated-{Guid.NewGuid():N}.fedmodel");
        try
        {
            var snapshot = Mlp();
            ModelFile.WriteFile(path, snapshot);
            Assert.Equal(snapshot.Parameters.Array, ModelFile.ReadFile(path).Parameters.Array);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Content_hash_depends_on_values_not_round()
    {
        var a = Mlp();
        var b = a with { Round = 9 };
        var c = Mlp(seed: 2);
        Assert.Equal(a.ContentHash, b.ContentHash);
        Assert.NotEqual(a.ContentHash, c.ContentHash);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(1000)]
    public void Truncated_file_is_refused(int keep)
    {
        byte[] file = ModelFile.ToBytes(Mlp());
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Read(file.AsSpan(0, keep)));
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flipped_payload_bit_is_caught_by_the_checksum()
    {
        byte[] file = ModelFile.ToBytes(Mlp());
        file[file.Length / 2] ^= 0x10;
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Read(file));
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_files_and_versions_are_named_as_such()
    {
        byte[] notModel = new byte[100];
        Assert.Contains("not a Federated model file", Assert.Throws<ModelFileException>(() => ModelFile.Read(notModel)).Message, StringComparison.Ordinal);
        byte[] future = ModelFile.ToBytes(Mlp());
        future[8] = 2;
        Assert.Contains("version 2", Assert.Throws<ModelFileException>(() => ModelFile.Read(future)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sound_file_of_another_model_is_a_mismatch()
    {
        var other = Mlp(seed: 3);
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Read(ModelFile.ToBytes(other), Mlp().ContentHash));
        Assert.Contains("not the expected", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToBytes_is_exactly_what_Write_streams()
    {
        var snapshot = Mlp();
        using var stream = new MemoryStream();
        ModelFile.Write(stream, snapshot);
        Assert.Equal(stream.ToArray(), ModelFile.ToBytes(snapshot));
    }

    [Fact]
    public void Header_and_values_read_in_place_match_a_full_read()
    {
        var snapshot = Mlp();
        byte[] file = ModelFile.ToBytes(snapshot);

        var header = ModelFile.ReadHeader(file);
        var values = ModelFile.ReadValues(file, header, new float[header.Layout.TotalLength], snapshot.ContentHash);

        Assert.Equal((5L, snapshot.Architecture, snapshot.Parameters.Layout, snapshot.ContentHash), (header.Round, header.Architecture, header.Layout, header.ContentHash));
        Assert.Equal(snapshot.Parameters.Array, values.ToArray());
        // On a little-endian machine the values are the file's own bytes, not a copy.
        if (BitConverter.IsLittleEndian) Assert.True(values.Overlaps(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(file.AsSpan(header.PayloadOffset))));
    }

    [Fact]
    public void Values_read_in_place_are_checked_against_the_claimed_and_the_expected_hash()
    {
        byte[] file = ModelFile.ToBytes(Mlp());
        var header = ModelFile.ReadHeader(file);
        var scratch = new float[header.Layout.TotalLength];

        var claimed = header with { ContentHash = Mlp(seed: 3).ContentHash };
        Assert.Contains("inconsistent", Assert.Throws<ModelFileException>(() => ModelFile.ReadValues(file, claimed, scratch)).Message, StringComparison.Ordinal);
        Assert.Contains("not the expected", Assert.Throws<ModelFileException>(() => ModelFile.ReadValues(file, header, scratch, Mlp(seed: 3).ContentHash)).Message, StringComparison.Ordinal);
    }
}

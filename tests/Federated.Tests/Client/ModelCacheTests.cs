using Federated.Client.Caching;
using Federated.Shared.Models;
using Federated.Shared.Serialization;

namespace Federated.Tests.Client;

public sealed class ModelCacheTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "federated-tests", "cache-" + Guid.NewGuid().ToString("N"));

    private static ModelSnapshot Model(int seed) => new(1, ModelZoo.Mlp(), ParameterInitializer.Initialize(ModelZoo.Mlp(), seed));

    [Fact]
    public void Stored_model_is_found_again_by_a_new_cache_over_the_same_folder()
    {
        var model = Model(1);
        new ModelCache(_directory).Store(model.ContentHash, ModelFile.ToBytes(model));
        var loaded = new ModelCache(_directory).TryLoad(model.ContentHash, out string? discarded);
        Assert.Null(discarded);
        Assert.Equal(model.Parameters.Array, loaded!.Parameters.Array);
    }

    [Fact]
    public void Damaged_cached_file_is_discarded_so_the_client_downloads_again()
    {
        var model = Model(1);
        var cache = new ModelCache(_directory);
        cache.Store(model.ContentHash, ModelFile.ToBytes(model));
        string path = cache.PathOf(model.ContentHash);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^100] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        var loaded = new ModelCache(_directory).TryLoad(model.ContentHash, out string? discarded);
        Assert.Null(loaded);
        Assert.Contains("checksum", discarded, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Download_that_is_another_model_is_refused()
    {
        var expected = Model(1);
        var other = Model(2);
        var cache = new ModelCache(_directory);
        Assert.Throws<ModelFileException>(() => cache.Store(expected.ContentHash, ModelFile.ToBytes(other)));
        Assert.Null(cache.TryLoad(expected.ContentHash, out _));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

using Federated.Shared.Models;
using Federated.Trust.Policy;

namespace Federated.Client.Trust;

/// <summary>Loads a site policy file for this client, understanding model names (<c>cnn</c>, <c>mlp</c>) and architecture texts in AllowedArchitectures.</summary>
public static class SitePolicyLoader
{
    public static SitePolicy Load(string path) => SitePolicyFile.Load(path, entry => ModelZoo.Resolve(entry).ToCanonicalString());
}

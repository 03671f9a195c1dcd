using System.Text;
using System.Text.Json;
using TemplateFleet.Registry;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// Registry credentials for cosign, which reads them like the docker CLI: a config.json in a private folder
/// (0700/0600) named by DOCKER_CONFIG in cosign's environment only, removed afterwards. Never on a
/// command line, never in a log; without credentials the folder holds an empty config, so the user's own
/// ~/.docker credentials are not used by accident.
/// </summary>
public sealed class RegistryAuth(PrivateDirectory directory) : IDisposable
{
    public static RegistryAuth Create(string scratchDirectory, string registry, string? username, string? password)
    {
        var directory = PrivateDirectory.Create(scratchDirectory, "cosign-auth");
        var auths = username is { Length: > 0 }
            ? new Dictionary<string, object> { [RegistryHost.Parse(registry).ToString()] = new { auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")) } }
            : new Dictionary<string, object>();
        directory.WriteSecretFile("config.json", JsonSerializer.Serialize(new { auths }));
        return new RegistryAuth(directory);
    }

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["DOCKER_CONFIG"] = directory.Path };

    public void Dispose() => directory.Dispose();
}

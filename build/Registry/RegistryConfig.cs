namespace TemplateFleet.Registry;

/// <summary>The Distribution 2.8 configuration for the local registry: loopback only, filesystem storage, optional htpasswd.</summary>
public static class RegistryConfig
{
    public static string Render(string address, string dataDirectory, string? htpasswdFile, string httpSecret)
    {
        if (!RegistryHost.IsLoopbackRegistry(address))
            throw new ArgumentException($"the local registry listens on loopback only, not {address}", nameof(address));
        var auth = htpasswdFile is null ? "" : $"""
            auth:
              htpasswd:
                realm: fleet-registry
                path: {Quote(htpasswdFile)}

            """;
        return $"""
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {Quote(dataDirectory)}
              delete:
                enabled: true
            http:
              addr: {Quote(address)}
              secret: {Quote(httpSecret)}
              headers:
                X-Content-Type-Options: [nosniff]
            {auth}
            """.ReplaceLineEndings("\n");
    }

    // YAML single-quoted scalar: only the quote itself needs doubling.
    static string Quote(string value) => "'" + value.Replace("'", "''") + "'";
}

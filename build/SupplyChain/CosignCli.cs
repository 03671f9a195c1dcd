using System.Text;
using System.Text.Json;
using TemplateFleet.Registry;
using TemplateFleet.Tools;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// cosign 2.5.0, offline: no transparency-log upload when signing, no transparency-log check when
/// verifying (the key is the trust root), signatures and attestations as cosign's own tags
/// (sha256-&lt;digest&gt;.sig / .att) since Distribution 2.8 has no referrers API. The key password reaches
/// cosign only as COSIGN_PASSWORD in its environment, an inline key only as an env:// reference.
/// </summary>
public sealed class CosignCli(string cosign)
{
    const string PrivateKeyVariable = "FLEET_COSIGN_PRIVATE_KEY";
    const string PublicKeyVariable = "FLEET_COSIGN_PUBLIC_KEY";
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Registry credentials for cosign, which reads them like the docker CLI: a config.json in a private folder
    /// (0700/0600) named by DOCKER_CONFIG in cosign's environment only, removed when the folder is disposed. Never on a
    /// command line, never in a log; without credentials the folder holds an empty config, so the user's own
    /// ~/.docker credentials are not used by accident.
    /// </summary>
    public static PrivateDirectory RegistryConfig(string scratchDirectory, RegistryCredentials registry)
    {
        var directory = PrivateDirectory.Create(scratchDirectory, "cosign-auth");
        var auths = registry.Username is { Length: > 0 } username
            ? new Dictionary<string, object> { [RegistryHost.Parse(registry.Address).ToString()] = new { auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{registry.Password}")) } }
            : new Dictionary<string, object>();
        directory.WriteSecretFile("config.json", JsonSerializer.Serialize(new { auths }));
        return directory;
    }

    /// <summary>cosign.key and cosign.pub in <paramref name="directory"/>, the private key encrypted with <paramref name="password"/>.</summary>
    public async Task GenerateKeyPairAsync(string directory, string password, CancellationToken ct)
    {
        var output = await ToolCommand.RunAsync(cosign, ["generate-key-pair"], Limit, ct,
            new Dictionary<string, string> { ["COSIGN_PASSWORD"] = password }, directory);
        if (!output.Succeeded)
            throw new SupplyChainException($"cosign generate-key-pair failed in {directory} (exit {output.ExitCode}):\n{output.Scrubbed(6, password)}");
    }

    /// <summary>The public key of a private key; opening it proves the password before anything is signed.</summary>
    public async Task<string> PublicKeyAsync(SigningKey key, CancellationToken ct)
    {
        var output = await ToolCommand.RunAsync(cosign, ["public-key", "--key", KeyArgument(key)], Limit, ct, KeyEnvironment(key));
        if (!output.Succeeded)
            throw new SupplyChainException(KeyProblem(key, output));
        return output.Stdout.Trim() + "\n";
    }

    public Task SignAsync(string reference, SigningKey key, PrivateDirectory auth, CancellationToken ct) =>
        WithKeyAsync(["sign"], reference, key, auth, $"cosign could not sign {reference}", ct);

    /// <param name="what">What the predicate is, for the error ("the provenance").</param>
    public Task AttestAsync(string reference, SigningKey key, string cosignType, string predicateFile, string what, PrivateDirectory auth, CancellationToken ct) =>
        WithKeyAsync(["attest", "--type", cosignType, "--predicate", predicateFile], reference, key, auth, $"cosign could not attach {what} to {reference}", ct);

    /// <summary>Signs or attests with the private key, offline; <paramref name="failure"/> opens the error.</summary>
    async Task WithKeyAsync(string[] command, string reference, SigningKey key, PrivateDirectory auth, string failure, CancellationToken ct)
    {
        var output = await ToolCommand.RunAsync(cosign,
            [.. command, "--yes", "--key", KeyArgument(key), "--tlog-upload=false", .. Http(reference), reference], Limit, ct, With(KeyEnvironment(key), auth));
        if (!output.Succeeded)
            throw new SupplyChainException($"{failure}: {KeyProblem(key, output)}");
    }

    /// <summary>Verifies, offline (the key is the trust root), the signature on <paramref name="reference"/> (<paramref name="attestationType"/>
    /// null) or its attestations of that cosign type with the public key: the in-toto statements that verify, or cosign's reason.</summary>
    public async Task<(IReadOnlyList<JsonElement> Statements, string? Problem)> VerifyAsync(
        string reference, string publicKeyPem, string? attestationType, PrivateDirectory auth, CancellationToken ct)
    {
        string[] command = attestationType is null ? ["verify"] : ["verify-attestation", "--type", attestationType];
        var output = await ToolCommand.RunAsync(cosign, [.. command, "--key", $"env://{PublicKeyVariable}", "--insecure-ignore-tlog=true", .. Http(reference), reference],
            Limit, ct, With(new Dictionary<string, string> { [PublicKeyVariable] = publicKeyPem }, auth));
        if (!output.Succeeded)
            return ([], Reason(output));
        var statements = new List<JsonElement>();
        foreach (var line in attestationType is null ? [] : output.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                var payload = JsonElement.Parse(line, Depth).GetProperty("payload").GetString() ?? "";
                statements.Add(JsonElement.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)), Depth));
            }
            catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
            {
                return ([], $"cosign printed an attestation that is not a DSSE envelope with an in-toto statement ({e.GetType().Name})");
            }
        }
        return (statements, null);
    }

    static readonly JsonDocumentOptions Depth = new() { MaxDepth = 256 };

    string KeyArgument(SigningKey key) => key.IsInline ? $"env://{PrivateKeyVariable}" : key.PrivateKey;

    static Dictionary<string, string> KeyEnvironment(SigningKey key) => key.IsInline
        ? new() { ["COSIGN_PASSWORD"] = key.Password, [PrivateKeyVariable] = key.PrivateKey }
        : new() { ["COSIGN_PASSWORD"] = key.Password };

    static Dictionary<string, string> With(Dictionary<string, string> environment, PrivateDirectory auth) =>
        new(environment) { ["DOCKER_CONFIG"] = auth.Path };

    // go-containerregistry speaks plain HTTP to loopback registries on its own; saying so keeps it explicit.
    static string[] Http(string reference) =>
        RegistryHost.IsLoopbackRegistry(reference.Split('/')[0]) ? ["--allow-http-registry=true"] : [];

    static string KeyProblem(SigningKey key, ProcessResult output)
    {
        var text = output.Stderr;
        if (text.Contains("decryption failed", StringComparison.Ordinal))
            return $"the password does not open the signing key {key.Origin} (cosign: decryption failed). Pass the key's own password as --signing-key-password.";
        if (text.Contains("no such file", StringComparison.OrdinalIgnoreCase) || text.Contains("reading key", StringComparison.Ordinal) && text.Contains("open ", StringComparison.Ordinal))
            return $"the signing key {key.Origin} cannot be read: {Reason(output, key.Password, key.PrivateKey)}";
        return Reason(output, key.Password, key.PrivateKey);
    }

    /// <summary>cosign's own last error line ("Error: ..."), scrubbed.</summary>
    static string Reason(ProcessResult output, params IEnumerable<string?> secrets)
    {
        var lines = output.Stderr.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var error = lines.LastOrDefault(l => l.StartsWith("Error:", StringComparison.Ordinal)) ?? lines.LastOrDefault() ?? $"exit {output.ExitCode}";
        return Scrubber.Apply(error, secrets);
    }
}

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
public sealed class CosignCli(string cosign, TimeSpan? timeout = null)
{
    const string PrivateKeyVariable = "FLEET_COSIGN_PRIVATE_KEY";
    const string PublicKeyVariable = "FLEET_COSIGN_PUBLIC_KEY";
    readonly TimeSpan limit = timeout ?? TimeSpan.FromMinutes(5);

    /// <summary>cosign.key and cosign.pub in <paramref name="directory"/>, the private key encrypted with <paramref name="password"/>.</summary>
    public async Task GenerateKeyPairAsync(string directory, string password, CancellationToken ct)
    {
        var output = await ToolCommand.RunAsync(cosign, ["generate-key-pair"], limit, ct,
            new Dictionary<string, string> { ["COSIGN_PASSWORD"] = password }, directory);
        if (!output.Succeeded)
            throw new SupplyChainException($"cosign generate-key-pair failed in {directory} (exit {output.ExitCode}):\n{output.Scrubbed(6, password)}");
    }

    /// <summary>The public key of a private key; opening it proves the password before anything is signed.</summary>
    public async Task<string> PublicKeyAsync(SigningKey key, CancellationToken ct)
    {
        var output = await ToolCommand.RunAsync(cosign, ["public-key", "--key", KeyArgument(key)], limit, ct, KeyEnvironment(key));
        if (!output.Succeeded)
            throw new SupplyChainException(KeyProblem(key, output));
        return output.Stdout.Trim() + "\n";
    }

    public Task SignAsync(string reference, SigningKey key, RegistryAuth auth, CancellationToken ct) =>
        WithKeyAsync(["sign"], reference, key, auth, $"cosign could not sign {reference}", ct);

    /// <param name="what">What the predicate is, for the error ("the provenance").</param>
    public Task AttestAsync(string reference, SigningKey key, string cosignType, string predicateFile, string what, RegistryAuth auth, CancellationToken ct) =>
        WithKeyAsync(["attest", "--type", cosignType, "--predicate", predicateFile], reference, key, auth, $"cosign could not attach {what} to {reference}", ct);

    /// <summary>Signs or attests with the private key, offline; <paramref name="failure"/> opens the error.</summary>
    async Task WithKeyAsync(string[] command, string reference, SigningKey key, RegistryAuth auth, string failure, CancellationToken ct)
    {
        var output = await ToolCommand.RunAsync(cosign,
            [.. command, "--yes", "--key", KeyArgument(key), "--tlog-upload=false", .. Http(reference), reference], limit, ct, With(KeyEnvironment(key), auth));
        if (!output.Succeeded)
            throw new SupplyChainException($"{failure}: {KeyProblem(key, output)}");
    }

    /// <summary>Null when a signature on <paramref name="reference"/> verifies with the public key, else cosign's reason.</summary>
    public async Task<string?> VerifyAsync(string reference, string publicKeyPem, RegistryAuth auth, CancellationToken ct) =>
        await VerifyingAsync(["verify"], reference, publicKeyPem, auth, ct) is { Succeeded: false } output ? Reason(output) : null;

    /// <summary>Verifies with the public key, offline (the key is the trust root).</summary>
    Task<ProcessResult> VerifyingAsync(string[] command, string reference, string publicKeyPem, RegistryAuth auth, CancellationToken ct) =>
        ToolCommand.RunAsync(cosign, [.. command, "--key", $"env://{PublicKeyVariable}", "--insecure-ignore-tlog=true", .. Http(reference), reference],
            limit, ct, With(new Dictionary<string, string> { [PublicKeyVariable] = publicKeyPem }, auth));

    /// <summary>The in-toto statements of <paramref name="predicateType"/> that verify with the public key, or cosign's reason.</summary>
    public async Task<(IReadOnlyList<JsonElement> Statements, string? Problem)> VerifyAttestationAsync(
        string reference, string publicKeyPem, string cosignType, RegistryAuth auth, CancellationToken ct)
    {
        var output = await VerifyingAsync(["verify-attestation", "--type", cosignType], reference, publicKeyPem, auth, ct);
        if (!output.Succeeded)
            return ([], Reason(output));
        var statements = new List<JsonElement>();
        foreach (var line in output.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                var payload = JsonElement.Parse(line, new JsonDocumentOptions { MaxDepth = 256 }).GetProperty("payload").GetString() ?? "";
                statements.Add(JsonElement.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)), new JsonDocumentOptions { MaxDepth = 256 }));
            }
            catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
            {
                return ([], $"cosign printed an attestation that is not a DSSE envelope with an in-toto statement ({e.GetType().Name})");
            }
        }
        return (statements, null);
    }

    string KeyArgument(SigningKey key) => key.IsInline ? $"env://{PrivateKeyVariable}" : key.PrivateKey;

    static Dictionary<string, string> KeyEnvironment(SigningKey key)
    {
        var environment = new Dictionary<string, string> { ["COSIGN_PASSWORD"] = key.Password };
        if (key.IsInline)
            environment[PrivateKeyVariable] = key.PrivateKey;
        return environment;
    }

    static Dictionary<string, string> With(Dictionary<string, string> environment, RegistryAuth auth) => new(environment.Concat(auth.Environment));

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

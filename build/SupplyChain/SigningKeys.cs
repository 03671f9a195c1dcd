using System.Security.Cryptography;
using Serilog;
using TemplateFleet.Registry;

namespace TemplateFleet.SupplyChain;

/// <summary>What the signing parameters say. <see cref="PrivateKey"/> and <see cref="Password"/> are secrets.</summary>
/// <param name="PrivateKey">A path to cosign.key or its PEM text; null means "the development key, on loopback only".</param>
/// <param name="PublicKey">A path to cosign.pub or its PEM text; derived from the private key when null.</param>
/// <param name="DevelopmentDirectory">Where the development key pair lives (output/signing/development).</param>
public sealed record SigningKeyOptions(string? PrivateKey, string? Password, string? PublicKey, string DevelopmentDirectory);

/// <summary>Finds the key Publish signs with: the production key from the parameters, or, for a loopback
/// registry only, a development key pair generated once under output/ and reused.</summary>
public sealed class SigningKeys(CosignCli cosign)
{
    public const string PrivateKeyFile = "cosign.key";
    public const string PublicKeyFile = "cosign.pub";
    public const string PasswordFile = "password";

    /// <summary>Why Publish cannot sign with these options, or null; checked before anything is built and again when signing.</summary>
    /// <param name="inActions">A job of an Actions workflow: one of several runners, each with its own output/.</param>
    public static string? Refusal(SigningKeyOptions options, string registry, bool inActions) => options switch
    {
        { PrivateKey: null or "" } when !RegistryHost.IsLoopbackRegistry(registry) =>
            $"no signing key: {registry} is not on loopback, so Publish needs the production key. Pass "
            + "--signing-key (a path to cosign.key, or its PEM text) and --signing-key-password (both secrets), and --signing-public-key.",
        { PrivateKey: null or "" } when inActions =>
            "no signing key: a release in Actions spans several runners, and a development key is made per checkout, so its jobs "
            + "would sign with different keys. Give the one key as the SIGNING_KEY and SIGNING_KEY_PASSWORD secrets (and SIGNING_PUBLIC_KEY "
            + "as a variable), or publish --unsigned to the loopback registry.",
        { PrivateKey: null or "" } => null,
        { PrivateKey: var key } when !key.Contains("-----BEGIN", StringComparison.Ordinal) && !File.Exists(key) =>
            $"the signing key file '{key}' (--signing-key) does not exist; pass the path of cosign.key or its PEM text.",
        { Password: null } =>
            "--signing-key-password is missing: cosign keys are encrypted; pass the key's password (a secret; it reaches cosign only as COSIGN_PASSWORD).",
        _ => null,
    };

    // A development key is made on one host for the loopback registry: like development packages, its signatures
    // may not go to (or be trusted from) a registry anyone else reaches.
    /// <summary>Why this key may not sign for that registry, or null when it may.</summary>
    public static string? RefusalReason(string template, SigningKey key, string registry) =>
        !key.IsDevelopment || RegistryHost.IsLoopbackRegistry(registry)
            ? null
            : $"refused to sign {template} for {registry} with the development key ({key.Origin}): a development key is "
              + "made on one host for the loopback registry only (127.0.0.0/8, ::1, localhost). Pass the production key: "
              + "--signing-key and --signing-key-password (secrets) and --signing-public-key.";

    /// <summary>For consumers: a pin on a registry that is not on loopback must not rely on a development signature.</summary>
    public static string? VerifyRefusal(string template, bool pinSaysDevelopment, string registry) =>
        !pinSaysDevelopment || RegistryHost.IsLoopbackRegistry(registry)
            ? null
            : $"{template}: the pin says its image was signed with a development key, but {registry} is not on loopback: "
              + "development signatures are refused there. Publish it again with the production key.";

    public async Task<SigningKey> ResolveAsync(SigningKeyOptions options, string registry, bool inActions, CancellationToken ct)
    {
        if (Refusal(options, registry, inActions) is { } refusal)
            throw new SupplyChainException(refusal);
        if (options.PrivateKey is not { Length: > 0 } privateKey)
            return await DevelopmentAsync(options.DevelopmentDirectory, ct);

        var origin = privateKey.Contains("-----BEGIN", StringComparison.Ordinal) ? "--signing-key" : $"--signing-key {privateKey}";
        var key = new SigningKey(privateKey, options.Password!, "", IsDevelopment: false, origin);
        key = key with { PublicKeyPem = await cosign.PublicKeyAsync(key, ct) };
        if (options.PublicKey is { Length: > 0 } publicKey && SigningKey.FingerprintOf(ReadPublicKey(publicKey, "--signing-public-key")) is var given
            && given != key.Fingerprint)
        {
            throw new SupplyChainException($"the public key (--signing-public-key, {given}) does not belong to the signing key "
                + $"({origin}, {key.Fingerprint}); pass the cosign.pub made with it.");
        }
        return key;
    }

    /// <summary>A public key for verifying: a path to cosign.pub or its PEM text.</summary>
    public static string ReadPublicKey(string value, string parameter)
    {
        if (value.Contains("-----BEGIN", StringComparison.Ordinal))
            return value;
        if (!File.Exists(value))
            throw new SupplyChainException($"the public key file '{value}' ({parameter}) does not exist; pass the path of cosign.pub or its PEM text.");
        return File.ReadAllText(value);
    }

    /// <summary>The development key pair of this host, generated on first use (a random password kept beside it, 0600).
    /// Made in a folder of its own and renamed into place, so two builds at once end with one key.</summary>
    public async Task<SigningKey> DevelopmentAsync(string directory, CancellationToken ct)
    {
        directory = Path.GetFullPath(directory);
        if (!File.Exists(Path.Combine(directory, PublicKeyFile)))
        {
            var parent = Path.GetDirectoryName(directory)!;
            using var fresh = PrivateDirectory.Create(parent, ".development-key");
            var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));
            await cosign.GenerateKeyPairAsync(fresh.Path, password, ct);
            fresh.WriteSecretFile(PasswordFile, password);
            try
            {
                Directory.Move(fresh.Path, directory);
                Log.Information("Generated the development signing key {Directory} (for the loopback registry only)", directory);
            }
            catch (IOException) when (File.Exists(Path.Combine(directory, PublicKeyFile)))
            {
                // another build made it first: use that one
            }
        }
        var key = Path.Combine(directory, PrivateKeyFile);
        var passwordFile = Path.Combine(directory, PasswordFile);
        if (!File.Exists(key) || !File.Exists(passwordFile))
            throw new SupplyChainException($"the development key folder {directory} is incomplete (needs {PrivateKeyFile}, {PublicKeyFile}, {PasswordFile}); remove it and run again to generate a new one.");
        return new SigningKey(key, File.ReadAllText(passwordFile).Trim(), File.ReadAllText(Path.Combine(directory, PublicKeyFile)),
            IsDevelopment: true, $"development key {key}");
    }
}

using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// The key images are signed with: cosign's encrypted private key (a file, or its PEM text from a secret
/// parameter), its password, and the public key consumers verify with. A development key is generated
/// for one host and the loopback registry only (<see cref="SigningKeys.RefusalReason"/>).
/// </summary>
/// <param name="PrivateKey">A path to cosign.key, or the PEM text itself (then it reaches cosign only through its environment).</param>
/// <param name="Origin">How messages name it: "--signing-key", "development key output/signing/development/cosign.key".</param>
public sealed partial record SigningKey(string PrivateKey, string Password, string PublicKeyPem, bool IsDevelopment, string Origin)
{
    public bool IsInline => PrivateKey.Contains("-----BEGIN", StringComparison.Ordinal);

    public string Fingerprint => FingerprintOf(PublicKeyPem);

    /// <summary>Never the key or its password.</summary>
    public override string ToString() => $"{Origin} ({Fingerprint}{(IsDevelopment ? ", development" : "")})";

    /// <summary>"sha256:&lt;hex&gt;" of a public key's DER (SubjectPublicKeyInfo): what a pin records and a consumer compares.</summary>
    public static string FingerprintOf(string pem)
    {
        var match = PemBody().Match(pem);
        if (!match.Success)
            throw new SupplyChainException("the public key is not a PEM 'PUBLIC KEY' block (cosign.pub); pass the file cosign generate-key-pair wrote.");
        byte[] der;
        try
        {
            der = Convert.FromBase64String(Regex.Replace(match.Groups[1].Value, @"\s", ""));
        }
        catch (FormatException)
        {
            throw new SupplyChainException("the public key's PEM body is not base64; pass the file cosign generate-key-pair wrote.");
        }
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(der));
    }

    [GeneratedRegex(@"-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----")]
    private static partial Regex PemBody();
}

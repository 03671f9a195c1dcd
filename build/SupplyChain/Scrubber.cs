using System.Text.RegularExpressions;
using TemplateFleet.Host;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// Keeps secrets out of what the supply-chain steps print: the values it was given (passwords, key
/// material) become "*****", and anything credential-shaped (a long run of token characters with letters
/// and digits, a PEM private key, a password in a URL) keeps only its first four characters. Applied to
/// every tool message and finding excerpt before it reaches a log, a report or an exception.
/// </summary>
public static partial class Scrubber
{
    public const string Mask = SecretMasker.Mask;

    /// <summary>The given values masked as the run's <see cref="SecretMasker"/> masks them (very short ones are not real
    /// secrets, longest first), then anything credential-shaped.</summary>
    public static string Apply(string text, params IEnumerable<string?> secrets) => MaskCredentialShaped(new SecretMasker(secrets).Apply(text));

    /// <summary>Masks what looks like a credential, whether or not anyone said it was one.</summary>
    public static string MaskCredentialShaped(string text)
    {
        text = PrivateKeyBlock().Replace(text, m => m.Groups["begin"].Value + Mask + m.Groups["end"].Value);
        text = UrlPassword().Replace(text, m => m.Groups["user"].Value + ":" + Mask + "@");
        return TokenRun().Replace(text, m => m.Value[..4] + Mask);
    }

    const string Token = @"[A-Za-z0-9_\-+=]";

    // 20+ token characters with a letter and a digit, not part of a longer run; '/' and '.' end a run so paths and
    // host names stay readable. A content digest ("sha256:<hex>", cosign's "sha256-<hex>" tags) is an address, not a secret.
    [GeneratedRegex($@"(?<!{Token})(?<!sha256:)(?!sha256-[0-9a-f]{{64}}(?!{Token}))(?={Token}*[0-9])(?={Token}*[A-Za-z]){Token}{{20,}}")]
    private static partial Regex TokenRun();

    [GeneratedRegex(@"(?<begin>-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(?<end>-----END [A-Z ]*PRIVATE KEY-----|$)")]
    private static partial Regex PrivateKeyBlock();

    [GeneratedRegex(@"(?<user>[a-z][a-z0-9+.\-]*://[^:/@\s]+):[^@\s/]+@")]
    private static partial Regex UrlPassword();
}

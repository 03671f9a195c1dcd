using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TemplateFleet.Fleet;

namespace TemplateFleet.Images;

/// <summary>
/// The extra CA bundle is checked in Restore, in milliseconds: a file without a PEM certificate would
/// otherwise surface some 70 s later inside the base build as npm's SELF_SIGNED_CERT_IN_CHAIN.
/// </summary>
public static class CaBundleCheck
{
    /// <param name="file">The bundle, or null when there is none (nothing to check).</param>
    /// <param name="source">Where it came from, for the message: "--ca-bundle" or "SSL_CERT_FILE".</param>
    /// <returns>How many certificates it holds (0 when there is no bundle).</returns>
    public static int Check(string? file, string source)
    {
        if (file is null)
            return 0;
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FleetException(e is FileNotFoundException or DirectoryNotFoundException
                ? $"the extra CA bundle {file} ({source}) does not exist; pass an existing PEM file, or unset SSL_CERT_FILE to build without one."
                : $"the extra CA bundle {file} ({source}) cannot be read ({e.Message}).");
        }
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(text);
        }
        catch (CryptographicException)
        {
            // A damaged block: the same answer as no block at all.
            certificates.Clear();
        }
        var count = certificates.Count;
        foreach (var certificate in certificates)
            certificate.Dispose();
        return count > 0
            ? count
            : throw new FleetException(
                $"the extra CA bundle {file} ({source}) holds no PEM certificate (no readable -----BEGIN CERTIFICATE----- block); pass the PEM bundle of the CAs your network needs, or unset SSL_CERT_FILE to build without one.");
    }
}

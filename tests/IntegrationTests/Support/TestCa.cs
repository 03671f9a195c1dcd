using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>A self-signed CA certificate of a test's own (a day's validity), to tell its bundle from the network's.</summary>
public sealed record TestCa(X509Certificate2 Certificate, string Pem)
{
    public static TestCa Create(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return new TestCa(certificate, certificate.ExportCertificatePem() + "\n");
    }

    /// <summary>The network's bundle ($SSL_CERT_FILE, which build steps need to reach the package sources) with this CA added, at <paramref name="file"/>.</summary>
    public async Task<string> WriteBundleAsync(string file)
    {
        var network = Environment.GetEnvironmentVariable("SSL_CERT_FILE") is { Length: > 0 } host && File.Exists(host) ? await File.ReadAllTextAsync(host) : "";
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, network.TrimEnd() + "\n" + Pem);
        return file;
    }

    /// <summary>Whether <paramref name="bundle"/> (PEM text) holds this certificate.</summary>
    public bool IsIn(string bundle) =>
        string.Concat(bundle.Where(c => !char.IsWhiteSpace(c))).Contains(Convert.ToBase64String(Certificate.RawData), StringComparison.Ordinal);
}

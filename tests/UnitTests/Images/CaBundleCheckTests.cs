using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TemplateFleet.Fleet;
using TemplateFleet.Images;

namespace UnitTests.Images;

public sealed class CaBundleCheckTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("ca-bundle-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Write(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    internal static string CertificatePem()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=fleet test CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem();
    }

    [Fact]
    public void A_bundle_of_certificates_passes_and_says_how_many()
    {
        var file = Write("bundle.pem", "# comment lines are fine\n" + CertificatePem() + "\n" + CertificatePem() + "\n");

        Assert.Equal(2, CaBundleCheck.Check(file, "--ca-bundle"));
    }

    [Fact]
    public void No_bundle_is_nothing_to_check() => Assert.Equal(0, CaBundleCheck.Check(null, "SSL_CERT_FILE"));

    [Theory]
    [InlineData("")]
    [InlineData("not a certificate at all\n")]
    [InlineData("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n")]
    public void A_file_without_a_readable_certificate_is_refused_naming_it(string content)
    {
        var file = Write("bundle.pem", content);

        var e = Assert.Throws<FleetException>(() => CaBundleCheck.Check(file, "SSL_CERT_FILE"));

        Assert.Equal($"the extra CA bundle {file} (SSL_CERT_FILE) holds no PEM certificate (no readable -----BEGIN CERTIFICATE----- block); pass the PEM bundle of the CAs your network needs, or unset SSL_CERT_FILE to build without one.", e.Message);
    }

    [Fact]
    public void A_private_key_is_not_a_certificate()
    {
        using var key = RSA.Create(2048);
        var file = Write("key.pem", key.ExportPkcs8PrivateKeyPem());

        var e = Assert.Throws<FleetException>(() => CaBundleCheck.Check(file, "--ca-bundle"));

        Assert.Contains("holds no PEM certificate", e.Message);
        Assert.DoesNotContain("PRIVATE KEY-----\n", e.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var file = Path.Combine(folder, "missing.pem");

        var e = Assert.Throws<FleetException>(() => CaBundleCheck.Check(file, "--ca-bundle"));

        Assert.Equal($"the extra CA bundle {file} (--ca-bundle) does not exist; pass an existing PEM file, or unset SSL_CERT_FILE to build without one.", e.Message);
    }

    [Fact]
    public void A_build_that_skipped_Restore_is_told_the_same_about_a_missing_bundle()
    {
        var missing = Path.Combine(folder, "nowhere.pem");
        var e = Assert.Throws<FleetException>(() => FleetImageBuilder.ReadCaBundle(missing));
        Assert.Equal($"The extra CA bundle '{missing}' (--ca-bundle or SSL_CERT_FILE) does not exist. Pass an existing PEM file, or unset SSL_CERT_FILE to build without one.", e.Message);
        Assert.Empty(FleetImageBuilder.ReadCaBundle(null));
        Assert.Equal("x"u8.ToArray(), FleetImageBuilder.ReadCaBundle(Write("ca.pem", "x")));
    }
}

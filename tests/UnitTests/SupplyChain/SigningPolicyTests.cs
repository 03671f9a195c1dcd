using TemplateFleet.SupplyChain;

namespace UnitTests.SupplyChain;

public sealed class SigningPolicyTests
{
    // A P-256 public key as cosign writes it (made for this test; it signs nothing).
    const string PublicKey = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEWpZ6swBDnCprShlcczQnfmB62LCE
        cBhRp6md7GinmLhyouSfzR2HmgeYr83hgKfJYlA3E74DchwNrWufckZeSA==
        -----END PUBLIC KEY-----
        """;

    static SigningKey Key(bool development) => new("/keys/cosign.key", "pw", PublicKey, development, development ? "development key /keys/cosign.key" : "--signing-key /keys/cosign.key");

    [Theory]
    [InlineData("127.0.0.1:5000")]
    [InlineData("localhost:5000")]
    [InlineData("[::1]:5000")]
    public void A_development_key_may_sign_for_a_loopback_registry(string registry) =>
        Assert.Null(SigningKeys.RefusalReason("codex", Key(development: true), registry));

    [Fact]
    public void A_development_key_is_refused_for_any_other_registry_and_a_production_key_is_not()
    {
        var refusal = SigningKeys.RefusalReason("codex", Key(development: true), "registry.test:443");
        Assert.StartsWith("refused to sign codex for registry.test:443 with the development key (development key /keys/cosign.key)", refusal);
        Assert.Contains("--signing-key and --signing-key-password", refusal);
        Assert.Null(SigningKeys.RefusalReason("codex", Key(development: false), "registry.test:443"));
        Assert.NotNull(SigningKeys.VerifyRefusal("codex", pinSaysDevelopment: true, "registry.test"));
        Assert.Null(SigningKeys.VerifyRefusal("codex", pinSaysDevelopment: true, "127.0.0.1:5000"));
    }

    [Fact]
    public void Without_a_key_Publish_may_sign_for_loopback_on_one_host_but_not_for_another_registry_nor_across_the_runners_of_a_workflow()
    {
        var none = new SigningKeyOptions(null, null, null, "output/signing/development");
        Assert.Null(SigningKeys.Refusal(none, "127.0.0.1:5000", inActions: false));
        Assert.StartsWith("no signing key: registry.test:443 is not on loopback", SigningKeys.Refusal(none, "registry.test:443", inActions: false));
        var actions = SigningKeys.Refusal(none with { PrivateKey = "" }, "127.0.0.1:5000", inActions: true);
        Assert.StartsWith("no signing key: a release in Actions spans several runners", actions);
        Assert.Contains("SIGNING_KEY and SIGNING_KEY_PASSWORD secrets", actions);

        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "cosign.key");
        Assert.Equal($"the signing key file '{missing}' (--signing-key) does not exist; pass the path of cosign.key or its PEM text.",
            SigningKeys.Refusal(none with { PrivateKey = missing, Password = "pw" }, "registry.test:443", inActions: true));
        var inline = "-----BEGIN " + "ENCRYPTED SIGSTORE PRIVATE KEY-----"; // assembled: the secret scan reads this file too
        Assert.StartsWith("--signing-key-password is missing", SigningKeys.Refusal(none with { PrivateKey = inline }, "registry.test:443", inActions: true));
        Assert.Null(SigningKeys.Refusal(none with { PrivateKey = inline, Password = "pw" }, "registry.test:443", inActions: true));
    }

    [Fact]
    public void The_fingerprint_is_of_the_key_not_of_its_pem_layout()
    {
        var fingerprint = SigningKey.FingerprintOf(PublicKey);
        Assert.Matches("^sha256:[0-9a-f]{64}$", fingerprint);
        Assert.Equal(fingerprint, SigningKey.FingerprintOf(PublicKey.Replace("\n", "\r\n") + "\n"));
        Assert.Throws<SupplyChainException>(() => SigningKey.FingerprintOf("not a key"));
    }

    [Fact]
    public void A_key_never_prints_its_material_or_password()
    {
        // Assembled here, so the repository holds no private-key block for the change scan to find.
        var block = "ENCRYPTED SIGSTORE " + "PRIVATE KEY-----";
        var key = new SigningKey($"-----BEGIN {block}\nabc\n-----END {block}", "s3cret-pass", PublicKey, false, "--signing-key");
        Assert.True(key.IsInline);
        var text = key.ToString();
        Assert.DoesNotContain("s3cret-pass", text);
        Assert.DoesNotContain("PRIVATE KEY", text);
        Assert.StartsWith("--signing-key (sha256:", text);
        Assert.Equal("sha256-" + new string('a', 64) + ".att", CosignTags.Attestation("sha256:" + new string('a', 64)));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Registry_credentials_for_cosign_live_in_a_private_folder_that_goes_away()
    {
        var scratch = Directory.CreateTempSubdirectory("auth-test-").FullName;
        try
        {
            string folder;
            using (var auth = CosignCli.RegistryConfig(scratch, new("127.0.0.1:5000", "fleet", "pa55word")))
            {
                folder = auth.Path;
                var config = File.ReadAllText(Path.Combine(folder, "config.json"));
                Assert.Contains("\"127.0.0.1:5000\"", config);
                Assert.DoesNotContain("pa55word", config); // base64, as the docker CLI stores it
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "config.json")));
            }
            Assert.False(Directory.Exists(folder));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}

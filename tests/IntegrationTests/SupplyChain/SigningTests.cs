using System.Net;
using System.Text;
using System.Text.Json;
using TemplateFleet.Pins;
using TemplateFleet.SupplyChain;

namespace IntegrationTests.SupplyChain;

/// <summary>
/// The whole supply chain of one fleet-like image against a real Distribution registry with htpasswd auth and
/// the real cosign: gate, push, sign, attest both SBOMs, verify, the pin's record, the consumer verify; then each
/// tampered case with its message. No key material, key password or registry password reaches any output.
/// </summary>
[Collection(SupplyChainCollection.Name)]
public sealed class SigningTests(SupplyChainFixture fixture)
{
    async Task<(SupplyChainCheck Check, string Repository, string Digest)> GateAndPushAsync(string name, string runtimeVersion)
    {
        var image = await FleetLikeImage.BuildAsync(fixture, name, runtimeVersion, Guid.NewGuid().ToString());
        var check = await fixture.Gate().CheckAsync(name, $"{SupplyChainFixture.Repository}/{name}", image, FleetLikeImage.Expected(runtimeVersion),
            new ChangeScan("test", []), new StepTimings(), CancellationToken.None);
        Assert.True(check.Passed, string.Join("\n", check.Problems));
        var (repository, digest) = await fixture.PushAsync(image, name);
        return (check, repository, digest);
    }

    Task<SigningKey> DevelopmentKeyAsync(string folder = "development-key") =>
        fixture.Tools.SigningKeys().DevelopmentAsync(Path.Combine(fixture.Paths.SupplyChain, folder), CancellationToken.None);

    static readonly string Commit = new('c', 40);

    PinToVerify Pin(string name, string repository, string digest, SupplyChainRecord? record, string runtimeVersion = "1.0.7") =>
        new(new Pin { Template = name, Image = repository, Digest = digest, Revision = Commit, PublishedAt = DateTimeOffset.UtcNow, SupplyChain = record },
            FleetLikeImage.Expected(runtimeVersion), $"templates/{name}/pin.json");

    /// <summary>A provenance as Publish makes it for a base-less image built from <see cref="Commit"/>.</summary>
    ProvenanceFacts Facts(SupplyChainCheck check) => new(check.Template, "Publish", "1.0.7", ["RUNTIME_VERSION"], "https://git.example.test/fleet.git", Commit,
        [new("os", "debootstrap:bookworm", Provenance.Sha256(check.Layers[0].DiffId))], "local", fixture.RunId, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);

    void AssertNoSecretAnywhere(SigningKey key, params string[] texts)
    {
        // The key's ciphertext: its first lines (the KDF parameters) are the same in every cosign key.
        var body = string.Concat(File.ReadAllLines(key.PrivateKey).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));
        var secrets = new[] { key.Password, fixture.Password, body[^48..] };
        Assert.Contains("SBOMs", fixture.Logs.Text); // the capture saw the code under test at work
        foreach (var secret in secrets)
        {
            foreach (var text in texts.Append(fixture.Logs.Text))
                Assert.DoesNotContain(secret, text);
            // A key's own folder holds it by design; nothing else may.
            foreach (var (file, text) in fixture.OutputFiles().Where(f => Path.GetFileName(Path.GetDirectoryName(f.File)) is not ("development-key" or "other-key" or "third-key")))
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{file} holds a secret");
        }
    }

    [Fact]
    public async Task A_signed_image_verifies_its_pin_verifies_and_each_tampered_case_fails_clearly()
    {
        var key = await DevelopmentKeyAsync();
        var (check, repository, digest) = await GateAndPushAsync("signed", "1.0.7");
        var record = await fixture.Tools.Signer().SignAsync(check, repository, digest, key, fixture.Credentials,
            FleetLikeImage.Expected("1.0.7"), CaTrust.BuildOnly, "0123abc", Facts(check), CancellationToken.None);

        Assert.Equal(CosignTags.Signature(digest), record.Signature.Tag);
        Assert.Equal(CosignTags.Attestation(digest), record.Attestation.Tag);
        Assert.Equal(check.Sboms.Spdx.Digest, record.Sbom.Spdx.Digest);
        Assert.Equal((key.Fingerprint, true), (record.PublicKey.Fingerprint, record.PublicKey.Development));
        Assert.Empty(record.SecurityUpgrades.Pending);
        // The record survives the pin file.
        var json = JsonSerializer.Serialize(record, PinJson.Options);
        Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<SupplyChainRecord>(json, PinJson.Options), PinJson.Options));

        var verifier = new PinVerifier(fixture.Tools.Verifier(), fixture.Tools.SecurityArchive(), fixture.Origin, SupplyChainTools.Scratch(fixture.Paths));
        var good = Assert.Single(await verifier.VerifyAsync([Pin("signed", repository, digest, record)], key.PublicKeyPem, fixture.Credentials, checkSecurity: true, CancellationToken.None));
        Assert.True(good.Passed, string.Join("\n", good.Problems));
        Assert.Empty(good.PendingSincePublished);

        // The pin's versions and SBOM digests must be what was attested.
        var stale = Assert.Single(await verifier.VerifyAsync([Pin("signed", repository, digest, record, runtimeVersion: "1.0.8")], key.PublicKeyPem, fixture.Credentials, false, CancellationToken.None));
        Assert.Contains(stale.Problems, p => p.Contains("lists the runtime molecule-ai-workspace-runtime at 1.0.7; expected exactly 1.0.8", StringComparison.Ordinal));
        var otherSbom = record with { Sbom = record.Sbom with { Spdx = record.Sbom.Spdx with { Digest = "sha256:" + new string('0', 64) } } };
        var swapped = Assert.Single(await verifier.VerifyAsync([Pin("signed", repository, digest, otherSbom)], key.PublicKeyPem, fixture.Credentials, false, CancellationToken.None));
        Assert.Contains(swapped.Problems, p => p.StartsWith("signed: SPDX 2.3 attestation: none of the 1 attached is about", StringComparison.Ordinal));
        var unrecorded = Assert.Single(await verifier.VerifyAsync([Pin("signed", repository, digest, null)], key.PublicKeyPem, fixture.Credentials, false, CancellationToken.None));
        Assert.Equal("signed: the pin has no supplyChain record (published before images were signed): publish it again.", Assert.Single(unrecorded.Problems));
        var unattested = Assert.Single(await verifier.VerifyAsync([Pin("signed", repository, digest, record with { Provenance = null })], key.PublicKeyPem, fixture.Credentials, false, CancellationToken.None));
        Assert.Equal("signed: the pin has no build provenance (written before provenance was attested): delete templates/signed/pin.json and run ./build.sh Publish --templates signed to publish it again with one.",
            Assert.Single(unattested.Problems));

        // A digest in a pin that this key never signed: signed by another key, and not signed at all.
        var otherKey = await DevelopmentKeyAsync("other-key");
        var (otherCheck, otherRepository, otherDigest) = await GateAndPushAsync("other", "1.0.7");
        await fixture.Tools.Signer().SignAsync(otherCheck, otherRepository, otherDigest, otherKey, fixture.Credentials, FleetLikeImage.Expected("1.0.7"), CaTrust.BuildOnly, null, Facts(otherCheck),
            CancellationToken.None);
        var foreign = Assert.Single(await verifier.VerifyAsync([Pin("other", otherRepository, otherDigest, record)], key.PublicKeyPem, fixture.Credentials, false, CancellationToken.None));
        Assert.Contains(foreign.Problems, p => p.StartsWith($"other: signature: {otherRepository}@{otherDigest} is not signed by the key {key.Fingerprint}: this key never signed this digest.", StringComparison.Ordinal));

        // A digest nobody signed for this repository ("the tag ... is missing"): DevelopmentKeyTests, through ./build.sh VerifyPins.

        // A signature tag removed from the registry.
        await DeleteManifestAsync(repository, record.Signature.Digest);
        var removed = Assert.Single(await verifier.VerifyAsync([Pin("signed", repository, digest, record)], key.PublicKeyPem, fixture.Credentials, false, CancellationToken.None));
        Assert.Contains(removed.Problems, p => p.StartsWith($"signed: signature: nothing is stored for {digest}", StringComparison.Ordinal));

        AssertNoSecretAnywhere(key, string.Join("\n", new[] { stale, swapped, foreign, removed }.SelectMany(r => r.Problems)));
    }

    [Fact]
    public async Task The_provenance_is_attested_verified_and_refused_when_its_subject_base_or_commit_is_not_the_pin_s()
    {
        var key = await DevelopmentKeyAsync();
        var (check, repository, digest) = await GateAndPushAsync("prov", "1.0.7");
        var baseDigest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var commit = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
        var facts = new ProvenanceFacts("prov", "Publish", "1.0.7", ["RUNTIME_VERSION", "PIP_INDEX_URL"], "https://git.example.test/fleet.git", commit,
            [new(Provenance.BaseInput, "127.0.0.1:5000/molecule-fleet/base", Provenance.Sha256(baseDigest)), new("os", "debootstrap:bookworm", Provenance.Sha256(check.Layers[0].DiffId))],
            "local", fixture.RunId, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow);
        await fixture.Tools.Signer().SignAsync(check, repository, digest, key, fixture.Credentials, FleetLikeImage.Expected("1.0.7"), CaTrust.BuildOnly, null,
            facts, CancellationToken.None);

        // As signed: the one attested is the one made, about this digest, FROM that base, from that commit.
        var predicateDigest = CanonicalJson.Digest(Provenance.Predicate(facts));
        VerificationRequest Request(string forDigest, ExpectedProvenance expected) =>
            new("prov", repository, forDigest, key.PublicKeyPem, FleetLikeImage.Expected("1.0.7"), check.Sboms.References, expected);
        using var auth = CosignCli.RegistryConfig(SupplyChainTools.Scratch(fixture.Paths), new(fixture.Registry.Address, fixture.Username, fixture.Password));
        var verifier = fixture.Tools.Verifier();
        var good = await verifier.VerifyAsync(Request(digest, new(predicateDigest, baseDigest, commit)), auth, CancellationToken.None);
        Assert.True(good.Passed, string.Join("\n", good.Problems));

        var otherCommit = await verifier.VerifyAsync(Request(digest, new(predicateDigest, baseDigest, new string('0', 40))), auth, CancellationToken.None);
        Assert.Equal($"prov: provenance: built from commit {commit}, but the pin says {new string('0', 40)}.", Assert.Single(otherCommit.Problems));
        var otherBase = await verifier.VerifyAsync(Request(digest, new(null, "sha256:" + new string('1', 64), commit)), auth, CancellationToken.None);
        Assert.Equal($"prov: provenance: built FROM base {baseDigest}, but the pin's base is sha256:{new string('1', 64)}.", Assert.Single(otherBase.Problems));
        var otherDocument = await verifier.VerifyAsync(Request(digest, new("sha256:" + new string('2', 64), baseDigest, commit)), auth, CancellationToken.None);
        Assert.StartsWith("prov: provenance: none of the 1 attached is the one the pin records", Assert.Single(otherDocument.Problems));

        // Another image of the repository whose .att tag is a copy of the first's: signed by the key, about another digest.
        var (_, _, otherDigest) = await GateAndPushAsync("prov", "1.0.7");
        await CopyManifestAsync(repository, CosignTags.Attestation(digest), CosignTags.Attestation(otherDigest));
        var copied = await verifier.VerifyAsync(Request(otherDigest, new(predicateDigest, baseDigest, commit)), auth, CancellationToken.None);
        // cosign itself refuses a statement whose subject is another digest (its own subject check) before ours
        // (Provenance.Check, unit-tested in ProvenanceTests) reads it: refused either way, never verified.
        Assert.False(copied.Passed);
        Assert.Contains(copied.Problems, p => p.StartsWith("prov: provenance: ", StringComparison.Ordinal)
            && (p.Contains("no matching attestations", StringComparison.Ordinal) || p.Contains($"its subject is {digest}, not the pin's digest {otherDigest}.", StringComparison.Ordinal)));
        AssertNoSecretAnywhere(key, string.Join("\n", new[] { otherCommit, otherBase, otherDocument, copied }.SelectMany(r => r.Problems)));
    }

    async Task CopyManifestAsync(string repository, string fromTag, string toTag)
    {
        using var http = Registry();
        var name = repository[(repository.IndexOf('/') + 1)..];
        using var get = new HttpRequestMessage(HttpMethod.Get, $"v2/{name}/manifests/{fromTag}");
        get.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var manifest = await http.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        var body = new ByteArrayContent(await manifest.Content.ReadAsByteArrayAsync());
        body.Headers.ContentType = manifest.Content.Headers.ContentType;
        using var put = await http.PutAsync($"v2/{name}/manifests/{toTag}", body);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_a_missing_key_and_a_development_key_off_loopback_are_refused_before_anything_is_signed()
    {
        var key = await DevelopmentKeyAsync();
        var keys = fixture.Tools.SigningKeys();
        var options = new SigningKeyOptions(key.PrivateKey, "not-the-password", null, Path.Combine(fixture.Paths.SupplyChain, "unused"));

        var wrong = await Assert.ThrowsAsync<SupplyChainException>(() => keys.ResolveAsync(options, "registry.test:5000", inActions: false, CancellationToken.None));
        Assert.Equal($"the password does not open the signing key --signing-key {key.PrivateKey} (cosign: decryption failed). Pass the key's own password as --signing-key-password.", wrong.Message);

        var missing = await Assert.ThrowsAsync<SupplyChainException>(() => keys.ResolveAsync(options with { PrivateKey = "/nonexistent/cosign.key" }, "registry.test:5000", inActions: false, CancellationToken.None));
        Assert.StartsWith("the signing key file '/nonexistent/cosign.key' (--signing-key) does not exist", missing.Message);
        var none = await Assert.ThrowsAsync<SupplyChainException>(() => keys.ResolveAsync(options with { PrivateKey = null }, "registry.test:5000", inActions: false, CancellationToken.None));
        Assert.StartsWith("no signing key: registry.test:5000 is not on loopback", none.Message);
        var noPassword = await Assert.ThrowsAsync<SupplyChainException>(() => keys.ResolveAsync(options with { Password = null }, "registry.test:5000", inActions: false, CancellationToken.None));
        Assert.StartsWith("--signing-key-password is missing", noPassword.Message);

        // The production path with the right password, the key given inline as a secret parameter would give it.
        var inline = await keys.ResolveAsync(options with { PrivateKey = File.ReadAllText(key.PrivateKey), Password = key.Password, PublicKey = key.PublicKeyPem },
            "registry.test:5000", inActions: false, CancellationToken.None);
        Assert.Equal((key.Fingerprint, false, "--signing-key"), (inline.Fingerprint, inline.IsDevelopment, inline.Origin));
        var otherPublic = (await DevelopmentKeyAsync("third-key")).PublicKeyPem;
        var mismatch = await Assert.ThrowsAsync<SupplyChainException>(() => keys.ResolveAsync(options with { Password = key.Password, PublicKey = otherPublic }, "registry.test:5000", inActions: false, CancellationToken.None));
        Assert.Contains("does not belong to the signing key", mismatch.Message);

        // At signing time, a key whose password is wrong, and the development key for a registry off loopback.
        var (check, repository, digest) = await GateAndPushAsync("refused", "1.0.7");
        var atSigning = await Assert.ThrowsAsync<SupplyChainException>(() => fixture.Tools.Signer().SignAsync(check, repository, digest, key with { Password = "not-the-password" },
            fixture.Credentials, FleetLikeImage.Expected("1.0.7"), CaTrust.BuildOnly, null, Facts(check), CancellationToken.None));
        Assert.Contains("the password does not open the signing key", atSigning.Message);
        var offLoopback = await Assert.ThrowsAsync<SupplyChainException>(() => fixture.Tools.Signer().SignAsync(check, repository, digest, key,
            fixture.Credentials with { Address = "registry.test:5000" }, FleetLikeImage.Expected("1.0.7"), CaTrust.BuildOnly, null, Facts(check),
            CancellationToken.None));
        Assert.StartsWith("refused to sign refused for registry.test:5000 with the development key", offLoopback.Message);
        Assert.Null(await ServedDigestAsync(repository, CosignTags.Signature(digest)));

        AssertNoSecretAnywhere(key, wrong.Message, missing.Message, none.Message, atSigning.Message, offLoopback.Message, mismatch.Message);
    }

    HttpClient Registry()
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://{fixture.Registry.Address}/") };
        http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{fixture.Username}:{fixture.Password}")));
        return http;
    }

    async Task DeleteManifestAsync(string repository, string manifestDigest)
    {
        using var http = Registry();
        var name = repository[(repository.IndexOf('/') + 1)..];
        using var response = await http.DeleteAsync($"v2/{name}/manifests/{manifestDigest}");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    async Task<string?> ServedDigestAsync(string repository, string tag)
    {
        using var http = Registry();
        var name = repository[(repository.IndexOf('/') + 1)..];
        using var request = new HttpRequestMessage(HttpMethod.Head, $"v2/{name}/manifests/{tag}");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var response = await http.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK ? response.Headers.GetValues("Docker-Content-Digest").Single() : null;
    }
}

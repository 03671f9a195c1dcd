using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;

namespace UnitTests.Pins;

public sealed class PinFileTests : IDisposable
{
    const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    readonly string dir = Directory.CreateTempSubdirectory("pinfile-").FullName;
    string PinPath => Path.Combine(dir, PinFile.FileName);

    const string BaseDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const string Inputs = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    static Pin Sample(string digest = Digest) => new()
    {
        Template = "codex",
        Image = "127.0.0.1:5000/molecule-fleet/codex",
        Digest = digest,
        Inputs = Inputs,
        Base = new PinnedImage("127.0.0.1:5000/molecule-fleet/base", BaseDigest),
        OsImage = "debootstrap:bookworm",
        RuntimeVersion = Pep440Version.Parse("1.0.0"),
        AgentVersion = "0.130.0",
        Revision = "4f2a9c1",
        Gates = new PinGates(new CheckTotals(6, 6), new CheckTotals(10, 10), "fallback: all grantable capabilities"),
        PublishedAt = new DateTimeOffset(2026, 11, 23, 13, 5, 7, TimeSpan.Zero),
    };

    const string V1 = """
        {
          "image": "127.0.0.1:5000/molecule-fleet/codex",
          "digest": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
          "runtimeVersion": "1.0.0",
          "revision": "4f2a9c1",
          "publishedAt": "2026-11-23T13:05:07Z"
        }

        """;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Write_then_read_round_trips()
    {
        PinFile.Write(PinPath, Sample());
        Assert.Equal(Sample(), PinFile.Read(PinPath));
    }

    [Fact]
    public void Written_file_has_the_documented_v3_shape()
    {
        PinFile.Write(PinPath, Sample());
        var text = File.ReadAllText(PinPath);
        Assert.Equal("""
            {
              "schemaVersion": 3,
              "template": "codex",
              "image": "127.0.0.1:5000/molecule-fleet/codex",
              "digest": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
              "inputs": "sha256:2222222222222222222222222222222222222222222222222222222222222222",
              "base": {
                "image": "127.0.0.1:5000/molecule-fleet/base",
                "digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111"
              },
              "osImage": "debootstrap:bookworm",
              "runtimeVersion": "1.0.0",
              "agentVersion": "0.130.0",
              "revision": "4f2a9c1",
              "gates": {
                "smoke": {
                  "passed": 6,
                  "total": 6
                },
                "t4": {
                  "passed": 10,
                  "total": 10
                },
                "t4Shape": "fallback: all grantable capabilities"
              },
              "publishedAt": "2026-11-23T13:05:07Z"
            }

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void A_v1_pin_reads_with_its_folder_as_template_and_the_v2_fields_empty()
    {
        Directory.CreateDirectory(Path.Combine(dir, "codex"));
        var path = Path.Combine(dir, "codex", PinFile.FileName);
        File.WriteAllText(path, V1);

        var pin = PinFile.Read(path);

        Assert.Equal(1, pin.SchemaVersion);
        Assert.Equal("codex", pin.Template);
        Assert.Equal("127.0.0.1:5000/molecule-fleet/codex@" + Digest, pin.Reference);
        Assert.Equal(Pep440Version.Parse("1.0.0"), pin.RuntimeVersion);
        Assert.Null(pin.Inputs);
        Assert.Null(pin.Base);
        Assert.Null(pin.Gates);
    }

    [Fact]
    public void A_v1_pin_is_written_back_as_v3()
    {
        Directory.CreateDirectory(Path.Combine(dir, "codex"));
        var path = Path.Combine(dir, "codex", PinFile.FileName);
        File.WriteAllText(path, V1);

        PinFile.Write(path, PinFile.Read(path));

        var text = File.ReadAllText(path);
        Assert.StartsWith("{\n  \"schemaVersion\": 3,\n  \"template\": \"codex\",", text);
        Assert.Equal(3, PinFile.Read(path).SchemaVersion);
    }

    [Fact]
    public void A_v2_pin_reads_without_upstream_versions_and_refuses_v3_keys()
    {
        var v2 = PinFile.Serialize(Sample()).Replace("\"schemaVersion\": 3", "\"schemaVersion\": 2", StringComparison.Ordinal);
        File.WriteAllText(PinPath, v2);

        var pin = PinFile.Read(PinPath);
        Assert.Equal(2, pin.SchemaVersion);
        Assert.Null(pin.Upstream);
        Assert.Equal(Sample().Digest, pin.Digest);

        File.WriteAllText(PinPath, v2.Replace("\n}", ",\n  \"upstream\": {\"node\": \"24.21.0\"}\n}", StringComparison.Ordinal));
        Assert.Contains("unknown key 'upstream'", Assert.Throws<FleetException>(() => PinFile.Read(PinPath)).Message);
    }

    [Fact]
    public void The_base_pin_records_its_upstream_versions_by_input()
    {
        var pin = new Pin
        {
            Template = "base",
            Image = "127.0.0.1:5000/molecule-fleet/base",
            Digest = BaseDigest,
            Inputs = Inputs,
            Revision = "4f2a9c1",
            PublishedAt = Sample().PublishedAt,
            Upstream = new Dictionary<string, string> { ["node"] = "24.21.0", ["docker-cli"] = "26.1.5+dfsg1-9+deb13u1+b1", ["npm"] = "11.21.2" },
        };
        PinFile.Write(PinPath, pin);

        Assert.Equal(pin, PinFile.Read(PinPath));
        Assert.Contains("\"upstream\": {\n    \"docker-cli\": \"26.1.5+dfsg1-9+deb13u1+b1\",\n    \"node\": \"24.21.0\",\n    \"npm\": \"11.21.2\"\n  },", File.ReadAllText(PinPath));
    }

    [Fact]
    public void The_base_pin_has_no_base_runtime_agent_or_gates()
    {
        var pin = new Pin { Template = "base", Image = "127.0.0.1:5000/molecule-fleet/base", Digest = BaseDigest, Inputs = Inputs, OsImage = "debootstrap:bookworm", Revision = "4f2a9c1", PublishedAt = Sample().PublishedAt };
        PinFile.Write(PinPath, pin);

        Assert.Equal(pin, PinFile.Read(PinPath));
        Assert.DoesNotContain("runtimeVersion", File.ReadAllText(PinPath));
    }

    [Fact]
    public void A_newer_schema_version_is_refused_naming_the_file()
    {
        File.WriteAllText(PinPath, PinFile.Serialize(Sample()).Replace("\"schemaVersion\": 3", "\"schemaVersion\": 4"));
        var e = Assert.Throws<FleetException>(() => PinFile.Read(PinPath));
        Assert.StartsWith(PinPath, e.Message);
        Assert.Contains("schemaVersion 4 is not one this build reads (1 to 3). Update the build", e.Message);
    }

    [Fact]
    public void A_v2_pin_reads_as_it_is_and_is_written_back_as_v3()
    {
        File.WriteAllText(PinPath, PinFile.Serialize(Sample()).Replace("\"schemaVersion\": 3", "\"schemaVersion\": 2"));
        var pin = PinFile.Read(PinPath);
        Assert.Equal(2, pin.SchemaVersion);
        Assert.Equal(Sample().Digest, pin.Digest);
        Assert.StartsWith("{\n  \"schemaVersion\": 3,", PinFile.Serialize(pin));
    }

    [Fact]
    public void An_unknown_key_is_refused_naming_the_keys_a_pin_may_have()
    {
        File.WriteAllText(PinPath, PinFile.Serialize(Sample()).Replace("\n}", ",\n  \"unregisteredSection\": {}\n}"));

        var e = Assert.Throws<FleetException>(() => PinFile.Read(PinPath));

        Assert.Contains("unknown key 'unregisteredSection' (expected schemaVersion, template, image, digest, inputs, base, osImage, "
            + "runtimeVersion, agentVersion, upstream, revision, gates, publishedAt, supplyChain)", e.Message);
    }

    [Fact]
    public void Write_replaces_the_old_pin_and_leaves_no_temporary_file()
    {
        PinFile.Write(PinPath, Sample());
        var newer = Sample("sha256:" + new string('f', 64)) with { RuntimeVersion = Pep440Version.Parse("1.1.0") };
        PinFile.Write(PinPath, newer);
        Assert.Equal(newer, PinFile.Read(PinPath));
        Assert.Equal([PinFile.FileName], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Concurrent_readers_see_the_old_pin_or_the_new_one_never_a_part()
    {
        PinFile.Write(PinPath, Sample());
        var reads = 0;
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Assert.StartsWith("1.0.", PinFile.Read(PinPath).RuntimeVersion!.ToString()); // a torn read throws a FleetException
                Interlocked.Increment(ref reads);
            }
        });
        var writes = 0;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((writes < 100 || Volatile.Read(ref reads) < 100) && DateTime.UtcNow < deadline && !reader.IsCompleted)
            PinFile.Write(PinPath, Sample() with { RuntimeVersion = Pep440Version.Parse($"1.0.{++writes}") });
        await stop.CancelAsync();
        await reader;
        Assert.True(reads >= 100, $"only {reads} reads overlapped the writes");
        Assert.Equal(Pep440Version.Parse($"1.0.{writes}"), PinFile.Read(PinPath).RuntimeVersion);
    }

    [Fact]
    public void Bad_json_names_the_file_and_line()
    {
        File.WriteAllText(PinPath, "{\n  \"image\": \"x\",\n  oops\n}\n");
        var e = Assert.Throws<FleetException>(() => PinFile.Read(PinPath));
        Assert.StartsWith($"{PinPath}:3:", e.Message);
        Assert.Contains("not valid JSON", e.Message);
    }

    [Theory]
    [InlineData("sha256:abc")]
    [InlineData("sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("latest")]
    public void Non_sha256_digest_is_rejected_naming_the_file(string digest)
    {
        File.WriteAllText(PinPath, PinFile.Serialize(Sample()).Replace(Digest, digest));
        var e = Assert.Throws<FleetException>(() => PinFile.Read(PinPath));
        Assert.StartsWith(PinPath, e.Message);
        Assert.Contains("is not a sha256 digest", e.Message);
    }

    [Theory]
    [InlineData("\"revision\": \"4f2a9c1\",", "", "missing key 'revision'")]
    [InlineData("\"revision\": \"4f2a9c1\",", "\"revision\": \"4f2a9c1\", \"tag\": \"x\",", "unknown key 'tag'")]
    [InlineData("\"runtimeVersion\": \"1.0.0\"", "\"runtimeVersion\": 1", "'runtimeVersion' must be a non-empty string")]
    [InlineData("\"runtimeVersion\": \"1.0.0\"", "\"runtimeVersion\": \"1.0; rm\"", "'runtimeVersion' '1.0; rm' is not a PEP 440 public version")]
    [InlineData("\"osImage\": \"debootstrap:bookworm\"", "\"osImage\": null", "'osImage' must be a non-empty string")]
    [InlineData("\"inputs\": \"sha256:2222", "\"inputs\": \"md5:2222", "is not a sha256 content address")]
    [InlineData("\"digest\": \"sha256:1111", "\"digest\": \"sha256:xx11", "'base.digest' 'sha256:xx11")]
    [InlineData("\"passed\": 6,", "\"passed\": 7,", "gates.smoke: passed 7 is more than total 6")]
    [InlineData("\"t4Shape\"", "\"shape\"", "unknown key 'gates.shape'")]
    [InlineData("molecule-fleet/codex\"", "molecule-fleet/codex:1.0.0\"", "must be a repository without tag or digest")]
    [InlineData("2026-11-23T13:05:07Z", "23/11/2026", "is not an RFC 3339 timestamp")]
    public void Invalid_content_is_rejected_with_the_reason(string from, string to, string reason)
    {
        File.WriteAllText(PinPath, PinFile.Serialize(Sample()).Replace(from, to));
        var e = Assert.Throws<FleetException>(() => PinFile.Read(PinPath));
        Assert.StartsWith(PinPath, e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Read_if_exists_returns_null_for_a_template_never_published()
    {
        Assert.Null(PinFile.ReadIfExists(PinPath));
    }

    [Fact]
    public void Pin_reference_is_by_digest()
    {
        Assert.Equal("127.0.0.1:5000/molecule-fleet/codex@" + Digest, Sample().Reference);
    }

    [Fact]
    public void Read_all_gives_each_template_its_pin_or_null_and_names_a_bad_file()
    {
        Directory.CreateDirectory(Path.Combine(dir, "codex"));
        Directory.CreateDirectory(Path.Combine(dir, "hermes"));
        PinFile.Write(Path.Combine(dir, "codex", PinFile.FileName), Sample());
        var config = new FleetConfig(dir, ["codex", "hermes"], new ImageNaming("molecule-fleet", "127.0.0.1:5000"), null!, null!, [], "", SmokeChecks.None);

        var pins = PinFile.ReadAll(config);
        Assert.Equal(Sample(), pins["codex"]);
        Assert.Null(pins["hermes"]);

        var bad = Path.Combine(dir, "hermes", PinFile.FileName);
        File.WriteAllText(bad, "{\"digest\": \"sha256:nope\"}");
        Assert.StartsWith(bad, Assert.Throws<FleetException>(() => PinFile.ReadAll(config)).Message);
    }
}

using System.Text.Json;
using TemplateFleet.SupplyChain;

namespace UnitTests.SupplyChain;

public sealed class SecretScanTests
{
    static string Report(string token) => JsonSerializer.Serialize(new
    {
        ArtifactName = "image",
        Metadata = new
        {
            OS = new { Family = "debian", Name = "12.15" },
            ImageID = "sha256:" + new string('c', 64),
            DiffIDs = new[] { "sha256:" + new string('a', 64), "sha256:" + new string('b', 64) },
            RepoTags = new[] { "fleet-it/env:1" },
            ImageConfig = new { config = new { Env = new[] { $"GITHUB_TOKEN={token}" } } },
        },
        Results = new object[]
        {
            new { Target = "image (debian 12.15)", Class = "os-pkgs", Packages = new[] { new { Name = "perl" } } },
            new { Target = "Node.js", Class = "lang-pkgs", Packages = new[] { new { Name = "npm" } } },
            new { Target = "/etc/x", Class = "secret", Secrets = new[] { new { RuleID = "github-pat" } } },
        },
    });

    [Fact]
    public void Trivy_s_report_names_the_subject_not_the_layout_and_keeps_only_the_packages()
    {
        var token = TestTokens.GitHub();
        var text = TrivyCli.SanitizedReport(Report(token), "test", "image", "molecule-fleet/codex");
        Assert.DoesNotContain(token, text);
        Assert.DoesNotContain("ImageConfig", text);
        Assert.DoesNotContain("ImageID", text);
        Assert.DoesNotContain("fleet-it/env", text);
        Assert.DoesNotContain("\"secret\"", text);
        Assert.Contains("\"molecule-fleet/codex (debian 12.15)\"", text);
        Assert.Contains("\"ArtifactName\":\"molecule-fleet/codex\"", text);
        Assert.Contains("perl", text);
        Assert.Contains("sha256:" + new string('b', 64), text);
    }

    [Fact]
    public void Excerpts_are_masked_again_and_shortened()
    {
        var token = TestTokens.GitHub();
        Assert.Equal("key: ghp_*****", SecretFinding.MaskExcerpt($"key: {token}"));
        var excerpt = SecretFinding.MaskExcerpt(new string('x', 80) + " secret=" + new string('*', 40) + " " + new string('y', 200));
        Assert.Contains("secret=*****", excerpt);
        Assert.True(excerpt.Length <= 102, excerpt);
        Assert.StartsWith("…", excerpt);
        Assert.DoesNotContain("`", SecretFinding.MaskExcerpt("a `b` c"));
    }

    [Fact]
    public void The_scrubber_masks_given_values_and_anything_credential_shaped_but_keeps_digests_and_paths()
    {
        var token = TestTokens.GitHub();
        Assert.Equal("login with ***** ok", Scrubber.Apply("login with hunter2-password ok", "hunter2-password", null, "ab"));
        Assert.Equal("Authorization: ghp_*****", Scrubber.MaskCredentialShaped($"Authorization: {token}"));
        Assert.Equal("https://fleet:*****@registry.test/v2/", Scrubber.MaskCredentialShaped("https://fleet:s3cr3t@registry.test/v2/"));
        var block = "ENCRYPTED " + "PRIVATE KEY-----"; // assembled: no key block in the repository for the change scan
        Assert.Equal($"-----BEGIN {block}*****-----END {block}",
            Scrubber.MaskCredentialShaped($"-----BEGIN {block}\nMIIB" + new string('A', 60) + $"\n-----END {block}"));
        var digest = "sha256:" + new string('0', 32) + new string('f', 32);
        var tag = "sha256-" + new string('1', 32) + new string('e', 32) + ".sig";
        var text = $"no signature for 127.0.0.1:5000/molecule-fleet/codex@{digest} (tag {tag}) in /usr/local/lib/node_modules/@openai/codex-linux-x64";
        Assert.Equal(text, Scrubber.MaskCredentialShaped(text));
    }

    [Fact]
    public void A_finding_is_suppressed_only_by_its_exact_file_and_rule()
    {
        var suppressions = SecretSuppressions.Parse("""
            suppressions:
              - path: /usr/share/fleet/test-ca.key
                rule: private-key
                reason: public test fixture of the TLS tests, not a real key
            """, "templates/secret-suppressions.yaml");
        SecretFinding At(string? path, string rule) => new(SecretSource.Layer, path, 1, "layer 1/1 sha256:aaaa (COPY)", rule, "t", "HIGH", "x");
        var findings = new[] { At("/usr/share/fleet/test-ca.key", "private-key"), At("/usr/share/fleet/test-ca.key", "github-pat"), At("/usr/share/fleet/other.key", "private-key"), At(null, "private-key") };
        var result = SecretScanResult.Of("codex", findings, suppressions, ["layers"]);
        Assert.Single(result.Suppressed);
        Assert.Equal(3, result.Findings.Count);
        Assert.False(result.Passed);
        Assert.DoesNotContain(suppressions, s => !result.Suppressed.Any(x => x.By == s));
        var refusal = result.Refusal("templates/secret-suppressions.yaml");
        Assert.StartsWith("codex: refused: 3 credential-shaped strings found:\n  layer 1/1 sha256:aaaa (COPY) /usr/share/fleet/test-ca.key:1: github-pat (t) `x`", refusal);
        Assert.Contains("add one entry to templates/secret-suppressions.yaml with its path, rule and reason", refusal);
        Assert.True(SecretScanResult.Of("codex", [], suppressions, ["layers"]).Passed);
    }

    [Fact]
    public void Suppressions_are_validated_strictly_with_file_line_and_column()
    {
        var e = Assert.Throws<TemplateFleet.Fleet.FleetException>(() => SecretSuppressions.Parse("""
            suppressions:
              - path: /usr/share/**/*.pem
                rule: private-key
                reason: certificates of the CA bundle
              - path: tests/fixtures/
                rule: Any Rule
                reason: fixture
              - path: tests/a.txt
                rule: github-pat
                reason: token-shaped string of a test
                scope: all
              - path: tests/b.txt
                rule: github-pat
              - path: tests/c.txt
                rule: github-pat
                reason: token-shaped string of a test
              - path: tests/c.txt
                rule: github-pat
                reason: the same again, twice
            extra: 1
            """, "templates/secret-suppressions.yaml"));
        var lines = e.Message.Split('\n');
        Assert.Equal([
            "templates/secret-suppressions.yaml:2:11: 'suppressions[0].path' must name one file, not a pattern: '/usr/share/**/*.pem' (write one suppression per file)",
            "templates/secret-suppressions.yaml:5:11: 'suppressions[1].path' must name one file, not a folder: 'tests/fixtures/'",
            "templates/secret-suppressions.yaml:6:11: 'suppressions[1].rule' must be one scanner rule id (e.g. github-pat, private-key), got 'Any Rule'",
            "templates/secret-suppressions.yaml:7:13: 'suppressions[1].reason' must say in words why this finding is not a secret (a test fixture, a public certificate, ...)",
            "templates/secret-suppressions.yaml:11:5: unknown key 'scope' in 'suppressions[2]' (expected one of: path, rule, reason)",
            "templates/secret-suppressions.yaml:12:5: missing required key 'reason' in 'suppressions[3]'",
            "templates/secret-suppressions.yaml:17:11: 'suppressions[5].path': tests/c.txt with rule github-pat is already suppressed at line 14",
            "templates/secret-suppressions.yaml:20:1: unknown key 'extra' at the top level (expected one of: suppressions)",
        ], lines);
    }

    [Fact]
    public void The_repository_s_own_suppressions_file_is_valid()
    {
        var file = SecretSuppressions.PathIn(Path.Combine(RepositoryRoot.Path, "templates"));
        Assert.True(File.Exists(file), file);
        Assert.All(SecretSuppressions.Load(file, RepositoryRoot.Path), s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
    }

    [Fact]
    public void Config_parts_name_the_build_arg_or_the_instruction()
    {
        Assert.Equal("history, build arg B", ImageConfigScan.HistoryPart("|2 A=x B=secretvalue /bin/sh -c true", 14));
        Assert.Equal("history, build arg A", ImageConfigScan.HistoryPart("|2 A=secretvalue B=y /bin/bash -o pipefail -c true", 5));
        Assert.Equal("history, RUN", ImageConfigScan.HistoryPart("|2 A=x B=y /bin/sh -c echo secretvalue", 30));
        Assert.Equal("history, ENV", ImageConfigScan.HistoryPart("/bin/sh -c #(nop)  ENV A=secretvalue", 25));
        Assert.Equal("import", ImageConfigScan.Instruction(""));
        Assert.Equal("COPY", ImageConfigScan.Instruction("/bin/sh -c #(nop) COPY file:abc in / "));
    }

    static Docker.DotNet.Models.ImageHistoryResponse History(string createdBy, long size) => new() { CreatedBy = createdBy, Size = size };

    [Fact]
    public void Each_part_of_the_image_config_is_read_and_named_never_its_value()
    {
        var token = TestTokens.GitHub();
        var image = new Docker.DotNet.Models.ImageInspectResponse
        {
            Config = new() { Env = ["PATH=/usr/bin", $"GITHUB_TOKEN={token}"], Labels = new Dictionary<string, string> { ["org.x"] = token }, Cmd = ["run", token] },
            Author = token,
        };
        var history = new[] { History($"|1 GH_TOKEN={token} /bin/sh -c true", 0), History("", 1) };
        var found = ImageConfigScan.Scan(image, history, new SecretScanner(SecretRules.Load(RepositoryRoot.Path)));
        Assert.Equal(["image config: ENV GITHUB_TOKEN", "image config: LABEL org.x", "image config: CMD", "image config: author", "image config: history, build arg GH_TOKEN"],
            found.Select(f => f.Finding.Location));
        Assert.All(found, f => Assert.Equal((token, SecretSource.ImageConfig, null), (f.Secret, f.Finding.Source, f.Finding.Path)));
        Assert.All(found, f => Assert.DoesNotContain(token[4..], f.Finding.Describe()));
    }

    [Fact]
    public void Layers_are_matched_to_their_instructions_also_with_a_WORKDIR_that_made_a_layer()
    {
        // Newest first, as the history API answers.
        var history = new[]
        {
            History("/bin/sh -c #(nop)  CMD [\"x\"]", 0),
            History("/bin/sh -c #(nop) WORKDIR /app", 0),
            History("/bin/sh -c mkdir /x", 0),
            History("/bin/sh -c #(nop) COPY file:1 in /etc/x ", 12),
            History("/bin/sh -c #(nop)  ENV A=1", 0),
            History("", 199_000_000),
        };
        Assert.Equal(["import", "COPY", "RUN"], ImageConfigScan.LayerInstructions(history, 3));
        Assert.Equal(["import", "COPY", "RUN", "WORKDIR"], ImageConfigScan.LayerInstructions(history, 4));
        Assert.Null(ImageConfigScan.LayerInstructions(history, 6));
    }

    [Fact]
    public void Added_lines_are_read_per_commit_and_file_with_their_numbers()
    {
        var sha1 = new string('1', 40);
        var sha2 = new string('2', 40);
        var patch = $"""
            commit {sha1}

            diff --git a/templates/codex/Dockerfile b/templates/codex/Dockerfile
            index 1..2 100644
            --- a/templates/codex/Dockerfile
            +++ b/templates/codex/Dockerfile
            @@ -3,0 +4,2 @@ FROM x
            +ENV A=1
            +ENV B=2
            @@ -10 +12 @@
            -old
            +new line
            diff --git a/gone.txt b/gone.txt
            deleted file mode 100644
            --- a/gone.txt
            +++ /dev/null
            @@ -1 +0,0 @@
            -bye
            commit {sha2}

            diff --git a/new.txt b/new.txt
            new file mode 100644
            --- /dev/null
            +++ b/new.txt
            @@ -0,0 +1 @@
            ++plus at start
            """;
        var files = ChangeScanner.ParsePatch(patch, null);
        Assert.Equal(2, files.Count);
        Assert.Equal(("commit 1111111", "templates/codex/Dockerfile"), (files[0].Origin, files[0].Path));
        Assert.Equal([(4, "ENV A=1"), (5, "ENV B=2"), (12, "new line")], files[0].Lines);
        Assert.Equal(("commit 2222222", "new.txt"), (files[1].Origin, files[1].Path));
        Assert.Equal([(1, "+plus at start")], files[1].Lines);
        Assert.Equal("working tree", ChangeScanner.ParsePatch("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n+y\n", "working tree").Single().Origin);
    }

    [Fact]
    public async Task A_change_to_a_file_whose_name_has_a_space_is_reported_under_that_name()
    {
        // git writes such a name with a tab after it in "+++ b/conf dir/s p.env\t"; the finding's path must not keep it
        // (a suppression names the file as it is in the repository).
        var repo = Directory.CreateTempSubdirectory("change-scan-").FullName;
        try
        {
            await GitAsync(repo, "init", "-q");
            File.WriteAllText(Path.Combine(repo, "README"), "first\n");
            await GitAsync(repo, "add", "-A");
            await GitAsync(repo, "commit", "-qm", "first");
            Directory.CreateDirectory(Path.Combine(repo, "conf dir"));
            File.WriteAllText(Path.Combine(repo, "conf dir", "s p.env"), "x\ntoken: " + TestTokens.GitHub() + "\n");
            await GitAsync(repo, "add", "-A");
            await GitAsync(repo, "commit", "-qm", "second");

            var scan = await new ChangeScanner(new SecretScanner(SecretRules.Load(RepositoryRoot.Path))).ScanAsync(repo, "HEAD~1", CancellationToken.None);
            var finding = Assert.Single(scan.Findings);
            Assert.Equal(("conf dir/s p.env", 2, "github-pat"), (finding.Path, finding.Line, finding.Rule));
        }
        finally
        {
            Directory.Delete(repo, true);
        }
    }

    static async Task GitAsync(string repo, params string[] args)
    {
        var result = await ToolCommand.RunAsync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", .. args], TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.True(result.Succeeded, $"git {string.Join(' ', args)}: {result.Stderr}");
    }
}

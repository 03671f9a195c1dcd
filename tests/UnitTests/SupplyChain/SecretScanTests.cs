using System.Text.Json;
using TemplateFleet.SupplyChain;

namespace UnitTests.SupplyChain;

public sealed class SecretScanTests
{
    static string Report(string token) => JsonSerializer.Serialize(new
    {
        ArtifactName = "fleet-it/env:1",
        Metadata = new
        {
            DiffIDs = new[] { "sha256:" + new string('a', 64), "sha256:" + new string('b', 64) },
            ImageConfig = new
            {
                history = new object[]
                {
                    new { created_by = "/bin/sh -c #(nop) ADD file:123 in / " },
                    new { created_by = "/bin/sh -c #(nop)  ARG GH_TOKEN", empty_layer = true },
                    new { created_by = $"|1 GH_TOKEN={token} /bin/sh -c echo \"token=$GH_TOKEN\" > /etc/fleet-token.conf" },
                },
                config = new { Env = new[] { $"GITHUB_TOKEN={token}" } },
            },
        },
        Results = new object[]
        {
            new { Target = "fleet-it/env:1 (debian 12.15)", Class = "os-pkgs", Packages = new[] { new { Name = "perl" } } },
            new
            {
                Target = "/etc/fleet-token.conf", Class = "secret",
                Secrets = new[] { new { RuleID = "github-pat", Title = "GitHub Personal Access Token", Severity = "CRITICAL", StartLine = 1, Match = "token=" + new string('*', 40),
                    Layer = new { DiffID = "sha256:" + new string('b', 64), CreatedBy = $"|1 GH_TOKEN={token} /bin/sh -c echo" } } },
            },
            new
            {
                Target = "fleet-it/env:1", Class = "secret",
                Secrets = new object[]
                {
                    new { RuleID = "github-pat", Title = "GitHub Personal Access Token", Severity = "CRITICAL", StartLine = 30, Match = "  \"GITHUB_TOKEN=" + new string('*', 40) + "\"", Layer = new { } },
                    new { RuleID = "github-pat", Title = "GitHub Personal Access Token", Severity = "CRITICAL", StartLine = 18, Match = "  \"created_by\": \"|1 GH_TOKEN=" + new string('*', 40) + " /bin/sh -c echo \\\"t", Layer = new { } },
                },
            },
        },
    });

    [Fact]
    public void Findings_name_layer_file_config_part_and_rule_and_never_hold_the_token()
    {
        var token = TestTokens.GitHub();
        var report = TrivyReport.ParseImage(Report(token), "test");
        Assert.Equal(3, report.Secrets.Count);

        var layer = report.Secrets[0];
        Assert.Equal(SecretSource.Layer, layer.Source);
        Assert.Equal("layer 2/2 sha256:bbbbbbbbbbbb (RUN) /etc/fleet-token.conf:1: github-pat (GitHub Personal Access Token) `token=*****`", layer.Describe());
        Assert.Equal("image config: ENV GITHUB_TOKEN", report.Secrets[1].Location);
        Assert.Null(report.Secrets[1].Path);
        Assert.Equal("image config: history, build arg GH_TOKEN", report.Secrets[2].Location);

        Assert.DoesNotContain(report.Secrets, f => f.Describe().Contains(token[4..12], StringComparison.Ordinal));
        // What goes on to `trivy convert` keeps the packages and drops the config, the layer commands and the findings.
        Assert.DoesNotContain(token, report.SanitizedForConversion);
        Assert.DoesNotContain("ImageConfig", report.SanitizedForConversion);
        Assert.Contains("perl", report.SanitizedForConversion);
        Assert.DoesNotContain("\"secret\"", report.SanitizedForConversion);
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
        var scrubber = new Scrubber(["hunter2-password", null, "ab"]);
        Assert.Equal("login with ***** ok", scrubber.Apply("login with hunter2-password ok"));
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
        Assert.Empty(result.Unused(suppressions));
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
    public void Config_parts_are_told_from_the_masked_match_alone()
    {
        Assert.Equal("LABEL org.example.token", TrivyReport.ConfigPart("\"org.example.token\": \"*****\""));
        Assert.Equal("history, ENV", TrivyReport.ConfigPart("\"created_by\": \"/bin/sh -c #(nop)  ENV A=*****\""));
        Assert.Equal("history, build arg A, B", TrivyReport.ConfigPart("\"created_by\": \"|2 A=x B=***** /bin/sh -c true\""));
        Assert.Equal("config", TrivyReport.ConfigPart("*****"));
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
        var files = ChangeSet.ParsePatch(patch, null);
        Assert.Equal(2, files.Count);
        Assert.Equal(("commit 1111111", "templates/codex/Dockerfile"), (files[0].Origin, files[0].Path));
        Assert.Equal([(4, "ENV A=1"), (5, "ENV B=2"), (12, "new line")], files[0].Lines);
        Assert.Equal(("commit 2222222", "new.txt"), (files[1].Origin, files[1].Path));
        Assert.Equal([(1, "+plus at start")], files[1].Lines);
        Assert.Equal("working tree", ChangeSet.ParsePatch("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n+y\n", "working tree").Single().Origin);
    }
}

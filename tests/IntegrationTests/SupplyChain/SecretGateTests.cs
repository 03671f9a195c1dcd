using System.Diagnostics;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.SupplyChain;
using UnitTests.SupplyChain;

namespace IntegrationTests.SupplyChain;

/// <summary>
/// The secret gate on real images FROM the fleet's OS image, with the real trivy: a token baked in through
/// ENV, through an ARG echoed into a file, through a COPYed file and under a path trivy's own allow rules
/// would skip is each refused by name; a clean image passes; the token is in no message, log or file.
/// </summary>
[Collection(SupplyChainCollection.Name)]
public sealed class SecretGateTests(SupplyChainFixture fixture)
{
    async Task<(TrivyReport Report, SecretScanResult Result, SbomSet Sboms)> ScanAsync(string name, string imageId)
    {
        var report = await fixture.Tools.Trivy.ScanImageAsync(imageId, fixture.Endpoint, name, CancellationToken.None);
        var sboms = await fixture.Tools.SbomWriter().WriteAsync(name, report, CancellationToken.None);
        return (report, SecretScanResult.Of(name, report.Secrets, [], ["layers", "image config"]), sboms);
    }

    void AssertNowhere(string token, params string[] texts)
    {
        foreach (var text in texts)
            Assert.DoesNotContain(token[4..], text);
        // The capture saw the code under test at work, so "not in the logs" is not vacuous.
        Assert.Matches("SBOMs|Secret scan of the change", fixture.Logs.Text);
        Assert.DoesNotContain(token[4..], fixture.Logs.Text);
        foreach (var (file, text) in fixture.OutputFiles())
            Assert.False(text.Contains(token[4..], StringComparison.Ordinal), $"{file} holds the token");
    }

    [Fact]
    public async Task A_token_in_ENV_is_refused_as_image_config_ENV()
    {
        var token = TestTokens.GitHub();
        var image = await fixture.BuildAsync("env", $"ARG OS_IMAGE\nFROM ${{OS_IMAGE}}\nENV GITHUB_TOKEN={token}\n");
        var (_, result, sboms) = await ScanAsync("env-token", image);
        Assert.False(result.Passed);
        Assert.Contains(result.Findings, f => f.Location == "image config: ENV GITHUB_TOKEN" && f.Rule == "github-pat");
        var refusal = result.Refusal("templates/secret-suppressions.yaml");
        Assert.StartsWith("env-token: refused:", refusal);
        AssertNowhere(token, refusal, File.ReadAllText(sboms.Spdx.File), File.ReadAllText(sboms.CycloneDx.File));
    }

    [Fact]
    public async Task A_token_from_a_build_arg_is_refused_in_its_layer_and_in_the_history()
    {
        var token = TestTokens.GitHub();
        var image = await fixture.BuildAsync("arg", "ARG OS_IMAGE\nFROM ${OS_IMAGE}\nARG GH_TOKEN\nRUN echo \"token=${GH_TOKEN}\" > /etc/fleet-token.conf\n",
            buildArgs: new Dictionary<string, string> { ["GH_TOKEN"] = token });
        var (_, result, _) = await ScanAsync("arg-token", image);
        var layer = Assert.Single(result.Findings, f => f.Source == SecretSource.Layer);
        Assert.Equal(("/etc/fleet-token.conf", 1, "github-pat"), (layer.Path, layer.Line, layer.Rule));
        Assert.Matches(@"^layer \d+/\d+ sha256:[0-9a-f]{12} \(RUN\)$", layer.Location);
        Assert.Equal("token=*****", layer.Excerpt);
        Assert.Contains(result.Findings, f => f.Location == "image config: history, build arg GH_TOKEN");
        AssertNowhere(token, result.Refusal("s.yaml"));
    }

    [Fact]
    public async Task A_token_in_a_copied_file_is_refused_and_so_is_one_under_a_path_trivy_would_skip()
    {
        var token = TestTokens.GitHub();
        var image = await fixture.BuildAsync("copy",
            "ARG OS_IMAGE\nFROM ${OS_IMAGE}\nCOPY creds.txt /home/agent-creds.txt\nCOPY creds.txt /usr/lib/fleet/test/example.md\n",
            files: new Dictionary<string, string> { ["creds.txt"] = $"github_token: {token}\n" });
        var (_, result, _) = await ScanAsync("copy-token", image);
        Assert.Equal(["/home/agent-creds.txt", "/usr/lib/fleet/test/example.md"], result.Findings.Select(f => f.Path).Order());
        Assert.All(result.Findings, f => Assert.Matches(@"\(COPY\)$", f.Location));

        // One exact suppression accepts one file; the other is still refused.
        var suppressions = SecretSuppressions.Parse(
            "suppressions:\n  - path: /usr/lib/fleet/test/example.md\n    rule: github-pat\n    reason: a fixture of this test, never a real token\n", "s.yaml");
        var suppressed = SecretScanResult.Of("copy-token", result.Findings, suppressions, ["layers"]);
        Assert.Equal("/home/agent-creds.txt", Assert.Single(suppressed.Findings).Path);
        AssertNowhere(token, result.Refusal("s.yaml"), suppressed.Refusal("s.yaml"));
    }

    [Fact]
    public async Task A_clean_image_passes_and_its_sboms_list_its_debian_packages()
    {
        var image = await fixture.BuildAsync("clean", "ARG OS_IMAGE\nFROM ${OS_IMAGE}\nRUN echo hello > /etc/fleet-hello\n");
        var (_, result, sboms) = await ScanAsync("clean", image);
        Assert.True(result.Passed, result.Refusal("s.yaml"));
        foreach (var sbom in sboms.Both)
        {
            Assert.Contains(sbom.Sbom.InEcosystem("deb"), p => p.Name == "libc6");
            Assert.Equal(sbom.Digest, TemplateFleet.SupplyChain.CanonicalJson.Digest(File.ReadAllBytes(sbom.File)));
        }
    }

    [Fact]
    public async Task The_change_is_scanned_commit_by_commit_with_its_file_and_line()
    {
        var token = TestTokens.GitHub();
        var repo = Directory.CreateTempSubdirectory("change-it-").FullName;
        try
        {
            await Git(repo, "init", "-q", "-b", "main");
            File.WriteAllText(Path.Combine(repo, "README.md"), "fleet\n");
            await Git(repo, "add", ".");
            await Git(repo, "commit", "-qm", "base");
            await Git(repo, "checkout", "-qb", "feature");
            File.WriteAllText(Path.Combine(repo, "config.env"), $"A=1\nB=2\nGITHUB_TOKEN={token}\n");
            await Git(repo, "add", ".");
            await Git(repo, "commit", "-qm", "add a token");
            File.WriteAllText(Path.Combine(repo, "config.env"), "A=1\nB=2\n");
            await Git(repo, "commit", "-qam", "remove it again (it is still in the history being pushed)");
            File.WriteAllText(Path.Combine(repo, "notes.txt"), $"x\n{token}\n");

            var (baseRef, findings) = await fixture.Tools.ChangeScanner().ScanAsync(repo, null, CancellationToken.None);
            Assert.Matches("^[0-9a-f]{40}$", baseRef);
            Assert.Equal(2, findings.Count);
            var committed = findings.Single(f => f.Path == "config.env");
            Assert.Matches(@"^change \(commit [0-9a-f]{7}\)$", committed.Location);
            Assert.Equal((3, "github-pat"), (committed.Line, committed.Rule));
            var untracked = findings.Single(f => f.Path == "notes.txt");
            Assert.Equal(("change (working tree (untracked))", 2), (untracked.Location, untracked.Line));
            AssertNowhere(token, string.Join("\n", findings.Select(f => f.Describe())));
        }
        finally
        {
            Directory.Delete(repo, recursive: true);
        }
    }

    [Fact]
    public async Task The_repository_s_own_history_passes_with_its_suppressions_and_each_one_is_used()
    {
        var root = RepositoryRoot.Path;
        var first = (await TemplateFleet.SupplyChain.ToolCommand.RunAsync("git", ["-C", root, "rev-list", "--max-parents=0", "HEAD"], TimeSpan.FromMinutes(1), CancellationToken.None))
            .Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        var (_, findings) = await fixture.Tools.ChangeScanner().ScanAsync(root, first, CancellationToken.None);
        var suppressions = SecretSuppressions.Load(SecretSuppressions.PathIn(Path.Combine(root, "templates")), root);
        var result = SecretScanResult.Of("repository", findings, suppressions, ["change"]);
        Assert.True(result.Passed, result.Refusal("templates/secret-suppressions.yaml"));
        Assert.Empty(result.Unused(suppressions));
    }

    static async Task Git(string repo, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid" }.Concat(args))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)}: {await p.StandardError.ReadToEndAsync()}");
    }
}

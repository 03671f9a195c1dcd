using System.Diagnostics;
using TemplateFleet.IntegrationTests.Support;
using TemplateFleet.SupplyChain;
using UnitTests.SupplyChain;

namespace IntegrationTests.SupplyChain;

/// <summary>
/// The secret gate on real images FROM the fleet's OS image, with the real scanner and trivy: a token baked in
/// through ENV, through an ARG echoed into a file, through a COPYed file, under a path trivy's own allow rules would
/// skip, inside an installed npm package's folder, a Python package's folder and a .git folder is each refused by
/// name; every layer with files is read (its counts say so); a clean image passes; a warm scan reuses the cache and
/// still finds a planted secret; the token is in no message, log or file.
/// </summary>
[Collection(SupplyChainCollection.Name)]
public sealed class SecretGateTests(SupplyChainFixture fixture)
{
    async Task<(ImageScan Scan, SecretScanResult Result, SbomSet Sboms)> ScanAsync(string name, string imageId, SupplyChainTools? tools = null, StepTimings? timings = null)
    {
        var scan = await (tools ?? fixture.Tools).ImageScanner(fixture.Docker)
            .ScanAsync(name, $"{SupplyChainFixture.Repository}/{name}", imageId, fixture.Suppressions, timings ?? new StepTimings(), CancellationToken.None);
        return (scan, SecretScanResult.Of(name, scan.Findings, fixture.Suppressions, ["layers", "image config"]), scan.Sboms);
    }

    void AssertNowhere(string token, params string[] texts)
    {
        foreach (var text in texts)
            Assert.DoesNotContain(token[4..], text);
        // The capture saw the code under test at work, so "not in the logs" is not vacuous.
        Assert.Matches("secret scan of|Secret scan of the change", fixture.Logs.Text);
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
    public async Task A_clean_image_passes_its_sboms_list_its_debian_packages_and_every_layer_with_files_was_read()
    {
        var image = await fixture.BuildAsync("clean", "ARG OS_IMAGE\nFROM ${OS_IMAGE}\nRUN echo hello > /etc/fleet-hello\nWORKDIR /fleet-app\n");
        var (scan, result, sboms) = await ScanAsync("clean", image);
        Assert.True(result.Passed, result.Refusal("s.yaml"));
        foreach (var sbom in sboms.Both)
        {
            Assert.Contains(sbom.Sbom.InEcosystem("deb"), p => p.Name == "libc6");
            Assert.Equal(sbom.Digest, TemplateFleet.SupplyChain.CanonicalJson.Digest(File.ReadAllBytes(sbom.File)));
        }
        // The OS layer, the RUN's layer, and the WORKDIR's layer (0 bytes of files: the folder only).
        Assert.Equal(3, scan.Layers.Count);
        Assert.True(scan.Layers[0].Files > 3000 && scan.Layers[0].Bytes > 100_000_000, scan.Layers[0].Summary());
        Assert.Contains(scan.Layers[0].PassedOver, p => p.Reason == "archive: gzip" && p.Files > 0);
        Assert.True(scan.Layers[0].BinaryFiles > 0, scan.Layers[0].Summary());
        Assert.True(scan.Layers[1].Files >= 1 && scan.Layers[1].Bytes > 0, scan.Layers[1].Summary());
        Assert.Equal(0, scan.Layers[2].Files);
        // The OS image's GnuTLS holds its self-test keys: found, and accepted by name in templates/secret-suppressions.yaml.
        Assert.Contains(result.Suppressed, s => s.Finding.Rule == "private-key" && s.Finding.Path!.StartsWith("/usr/lib/x86_64-linux-gnu/libgnutls.so", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tokens_in_an_npm_package_a_python_package_and_a_git_config_are_each_refused_by_name()
    {
        var token = TestTokens.GitHub();
        var image = await fixture.BuildAsync("packages", """
            ARG OS_IMAGE
            FROM ${OS_IMAGE}
            COPY package.json /usr/local/lib/node_modules/fleet-pkg/package.json
            COPY token.js /usr/local/lib/node_modules/fleet-pkg/lib/defaults.js
            COPY token.py /opt/molecule-venv/lib/python3.11/site-packages/fleet_pkg/settings.py
            COPY git-config /opt/agent/.git/config
            """, files: new Dictionary<string, string>
        {
            ["package.json"] = "{\"name\": \"fleet-pkg\", \"version\": \"1.0.0\"}\n",
            ["token.js"] = $"module.exports = {{ token: '{token}' }};\n",
            ["token.py"] = $"# settings\nTOKEN = \"{token}\"\n",
            ["git-config"] = $"[remote \"origin\"]\n\turl = https://x-access-token:{token}@git.example.test/fleet/agent.git\n",
        });
        var (scan, result, _) = await ScanAsync("packages", image);
        Assert.Equal(["/opt/agent/.git/config", "/opt/molecule-venv/lib/python3.11/site-packages/fleet_pkg/settings.py", "/usr/local/lib/node_modules/fleet-pkg/lib/defaults.js"],
            result.Findings.Select(f => f.Path!).Order(StringComparer.Ordinal));
        Assert.All(result.Findings, f => Assert.Equal("github-pat", f.Rule));
        Assert.All(result.Findings, f => Assert.Matches(@"^layer \d+/5 sha256:[0-9a-f]{12} \(COPY\)$", f.Location));
        Assert.All(scan.Layers, l => Assert.True(l.Files > 0, l.Summary()));
        Assert.Contains(token, scan.Secrets);
        AssertNowhere(token, result.Refusal("templates/secret-suppressions.yaml"));
    }

    [Fact]
    public async Task A_warm_scan_reuses_the_cache_and_still_finds_a_planted_secret()
    {
        // An empty cache of its own (the tools stay the tests'): first everything is read, then only what is new.
        var cache = new TemplateFleet.Tools.CacheHome(Path.Combine(fixture.WorkDirectory, "warm-cache"));
        var tools = fixture.Tools with { Cache = cache, Trivy = new TrivyCli(fixture.Tools.Trivy.Executable, "trivy of the warm test", SupplyChainTools.Folder(cache, "trivy")) };
        var clean = await fixture.BuildAsync("warm-clean", "ARG OS_IMAGE\nFROM ${OS_IMAGE}\nRUN echo clean > /etc/fleet-clean\n");
        var cold = new StepTimings();
        var (first, firstResult, _) = await ScanAsync("warm-clean", clean, tools, cold);
        Assert.True(firstResult.Passed, firstResult.Refusal("s.yaml"));
        Assert.All(first.Layers, l => Assert.False(l.FromCache));
        Assert.Equal("made by trivy", NoteOf(cold, "sbom"));

        // The same image again: nothing is exported, nothing is read, the SBOMs come from the cache.
        var warm = new StepTimings();
        var (again, againResult, _) = await ScanAsync("warm-clean", clean, tools, warm);
        Assert.True(againResult.Passed);
        Assert.All(again.Layers, l => Assert.True(l.FromCache));
        Assert.Equal("0/2 layers read, 0 exports", NoteOf(warm, "export + secret scan"));
        Assert.Equal("cached", NoteOf(warm, "sbom"));
        Assert.Equal(first.Sboms.Spdx.Digest, again.Sboms.Spdx.Digest);

        // A secret planted on top of the cached layers: the cached ones are not read again, the new one is, and it is found.
        var token = TestTokens.GitHub();
        var planted = await fixture.BuildAsync("warm-planted", $"FROM {clean}\nCOPY planted /etc/fleet-planted.conf\n",
            files: new Dictionary<string, string> { ["planted"] = $"token = {token}\n" });
        var plantedTimings = new StepTimings();
        var (third, thirdResult, _) = await ScanAsync("warm-planted", planted, tools, plantedTimings);
        Assert.Equal([true, true, false], third.Layers.Select(l => l.FromCache));
        Assert.Equal("1/3 layers read, 1 export", NoteOf(plantedTimings, "export + secret scan"));
        Assert.Equal("/etc/fleet-planted.conf", Assert.Single(thirdResult.Findings).Path);
        // Scanned again: the cached finding is read anew, so its value is known to the masker.
        var (fourth, fourthResult, _) = await ScanAsync("warm-planted", planted, tools);
        Assert.Equal("/etc/fleet-planted.conf", Assert.Single(fourthResult.Findings).Path);
        Assert.Contains(token, fourth.Secrets);
        AssertNowhere(token, thirdResult.Refusal("s.yaml"));
    }

    static string NoteOf(StepTimings timings, string step) =>
        System.Text.RegularExpressions.Regex.Match(timings.ToString(), System.Text.RegularExpressions.Regex.Escape(step) + @" [0-9.]+ s \(([^)]*)\)").Groups[1].Value;

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

            var (baseRef, findings, secrets) = await new ChangeScanner(fixture.Tools.Scanner()).ScanAsync(repo, null, CancellationToken.None);
            Assert.All(secrets!, s => Assert.Equal(token, s));
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
        var (_, findings, _) = await new ChangeScanner(fixture.Tools.Scanner()).ScanAsync(root, first, CancellationToken.None);
        var suppressions = SecretSuppressions.Load(SecretSuppressions.PathIn(Path.Combine(root, "templates")), root);
        var result = SecretScanResult.Of("repository", findings, suppressions, ["change"]);
        Assert.True(result.Passed, result.Refusal("templates/secret-suppressions.yaml"));
        // Paths in the repository are the change's to use; absolute ones are files in images (the image tests use them).
        Assert.DoesNotContain(suppressions, s => !s.Path.StartsWith('/') && !result.Suppressed.Any(x => x.By == s));
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

using TemplateFleet;
using TemplateFleet.Host;
using UnitTests.Fleet;

namespace UnitTests.Cli;

/// <summary>
/// The real Build class, run in-process against a copy of the repository's fleet data with one thing broken
/// at a time: every user mistake exits non-zero with one message naming the file, line, template or
/// parameter, and fails before anything touches an engine.
/// </summary>
[Collection("host")]
public sealed class BuildCliTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("fleet-cli-").FullName;

    public BuildCliTests()
    {
        TreeCopy.Repository(TempRepo.RealRoot, root);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    (int Exit, string Output) Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    (int Exit, string Output) RunWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var output = new StringWriter();
        var exit = BuildRunner.Run<Build>(args, new BuildContextOptions
        {
            RootDirectory = root,
            WorkingDirectory = root,
            Environment = environment,
            Out = output,
            Error = output,
            UseColor = false,
        });
        return (exit, output.ToString());
    }

    void Edit(string relative, string from, string to)
    {
        var path = Path.Combine(root, relative);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to));
    }

    [Fact]
    public void A_publish_that_could_not_sign_or_may_not_go_unsigned_stops_before_anything_is_built()
    {
        Fails(2, Run("Publish", "--registry", "registry.test:5000"), "no signing key: registry.test:5000 is not on loopback", "--signing-key");
        Fails(2, Run("PublishBase", "--registry", "registry.test:5000", "--unsigned"), "--unsigned: registry.test:5000 is not on loopback");
        Fails(2, RunWith(new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true" }, "Publish", "--registry", "127.0.0.1:5000"),
            "a release in Actions spans several runners", "SIGNING_KEY");
        var missing = Path.Combine(root, "no-such", "cosign.key");
        Fails(2, Run("Publish", "--registry", "registry.test:5000", "--signing-key", missing, "--signing-key-password", "pw"),
            "the signing key file '*****' (--signing-key) does not exist"); // a secret's value is never printed, a path neither
        foreach (var run in new[] { Run("Publish", "--registry", "registry.test:5000"), Run("Publish", "--registry", "registry.test:5000", "--unsigned") })
            Assert.DoesNotContain("Restore", run.Output.Split('\n').Where(l => l.Contains("Succeeded", StringComparison.Ordinal)));
        // Planning is not publishing: nothing is checked.
        Assert.Equal(0, Run("--plan", "Publish", "--registry", "registry.test:5000").Exit);
    }

    [Fact]
    public void VerifyPins_without_templates_verifies_the_whole_fleet_and_a_template_without_a_pin_fails_it()
    {
        foreach (var pin in Directory.EnumerateFiles(Path.Combine(root, "templates"), "pin.json", SearchOption.AllDirectories))
            File.Delete(pin);
        Fails(1, Run("VerifyPins"), "templates/claude-code/pin.json: no pin to verify; publish claude-code first", "templates/openclaw/pin.json: no pin to verify");
        Fails(1, Run("VerifyPins", "--templates", "hermes"), "templates/hermes/pin.json: no pin to verify");
        Assert.DoesNotContain("claude-code", Run("VerifyPins", "--templates", "hermes").Output.Split('\n').Where(l => l.Contains("no pin", StringComparison.Ordinal)));
    }

    [Fact]
    public void Each_job_of_the_bump_workflow_refuses_a_missing_or_unknown_input_in_one_line_before_anything_runs()
    {
        const string unknown = "--input 'codx' is not an input of this fleet; the inputs are: claude-code, codex, hermes, openclaw, node, npm, docker-cli, debian-security, runtime.";
        foreach (var job in new[] { new[] { "BumpBase" }, ["ApplyBump", "Publish", "--templates", "codex"], ["ProposeBump"] })
        {
            var missing = Run(job);
            Fails(2, missing, "Bump needs --input: the upstream input to move");
            Assert.DoesNotContain("═══", missing.Output); // no target ran
            Fails(2, Run([.. job, "--input", "codx", "--input-version", "1.0.0"]), unknown);
        }
        Assert.False(Directory.Exists(Path.Combine(root, "output", "bump")));
    }

    [Fact]
    public void The_bump_workflows_base_job_of_an_agent_hands_on_the_pinned_base_and_its_runtime_and_the_files_it_wrote_and_builds_nothing()
    {
        var basePin = UnitTests.Forges.ForgeUnderTest.PinOf("1.0.0", "base", "sha256:" + new string('3', 64));
        File.WriteAllText(Path.Combine(root, "templates", "base", "pin.json"), TemplateFleet.Pins.PinFile.Serialize(basePin));
        File.WriteAllText(Path.Combine(root, "templates", "hermes", "pin.json"), TemplateFleet.Pins.PinFile.Serialize(UnitTests.Forges.ForgeUnderTest.OldPin("hermes")));
        var outputs = Path.Combine(root, "github-output");
        File.WriteAllText(outputs, "");

        // hermes at the version its data holds: the lock is written again from the embedded index (pip's resolver), no registry asked.
        var run = RunWith(new Dictionary<string, string> { [NukeBuild.OutputVariable] = outputs }, "BumpBase", "--input", "hermes", "--input-version", "0.4.0");

        Assert.True(run.Exit == 0, run.Output);
        Assert.Equal($"base_image={basePin.Reference}\nruntime_version=1.0.0\n", File.ReadAllText(outputs));
        Assert.Contains("skipped: hermes 0.4.0 (lock refreshed) builds FROM the pinned base", run.Output);
        Assert.DoesNotContain("═══ Restore", run.Output); // no engine, no base pulled or built
        foreach (var file in new[] { "template.yaml", "agent/requirements.txt" })
            Assert.Equal(File.ReadAllText(Path.Combine(root, "templates", "hermes", file)), File.ReadAllText(Path.Combine(root, "output", "bump", "templates", "hermes", file)));
    }

    [Fact]
    public void A_template_job_of_the_bump_takes_the_base_jobs_data_and_lock_and_skips_a_template_the_input_does_not_reach()
    {
        // Without the base job's artifact: one line, nothing built.
        var none = Run("ApplyBump", "Restore", "--input", "codex", "--templates", "codex");
        Fails(1, none, "output/jobs/base-bump: the base job's data and lock are not there");
        Assert.DoesNotContain("═══ Restore", none.Output);

        // What the base job wrote, as download-artifact leaves it.
        const string data = "templates/codex/template.yaml";
        var handed = Path.Combine(root, "output", "jobs", "base-bump", data);
        Directory.CreateDirectory(Path.GetDirectoryName(handed)!);
        var moved = File.ReadAllText(Path.Combine(root, data)) + "# as the base job wrote it\n";
        File.WriteAllText(handed, moved);

        var skipped = Run("ApplyBump", "Restore", "--input", "codex", "--templates", "claude-code");
        Assert.True(skipped.Exit == 0, skipped.Output);
        Assert.Contains("skipped: the bump of codex does not reach claude-code", skipped.Output);
        Assert.DoesNotContain("═══ Restore", skipped.Output); // nothing built, no engine asked
        Assert.Equal(moved, File.ReadAllText(Path.Combine(root, data)));
    }

    static void Fails(int expectedExit, (int Exit, string Output) run, params string[] messageParts)
    {
        Assert.Equal(expectedExit, run.Exit);
        foreach (var part in messageParts)
            Assert.Contains(part, run.Output);
        Assert.DoesNotContain("   at ", run.Output); // no stack trace for user mistakes
    }

    [Theory]
    [InlineData("1.0;id")]
    [InlineData("1.0; rm -rf /")]
    [InlineData("$(id)")]
    [InlineData("`id`")]
    [InlineData("1.2.3+local")]
    [InlineData("latest")]
    public void A_runtime_version_that_is_not_pep440_is_rejected_before_anything_runs(string version)
    {
        var run = Run("Restore", "--runtime-version", version);
        Fails(2, run, "--runtime-version", "is not a PEP 440 public version");
        Assert.DoesNotContain("═══ Restore", run.Output);
    }

    [Fact]
    public void A_runtime_version_from_the_environment_is_validated_the_same_way()
    {
        var output = new StringWriter();
        var exit = BuildRunner.Run<Build>(["Restore"], new BuildContextOptions
        {
            RootDirectory = root,
            WorkingDirectory = root,
            Environment = new Dictionary<string, string> { ["RUNTIME_VERSION"] = "1.0$(id)" },
            Out = output,
            Error = output,
            UseColor = false,
        });
        Assert.Equal(2, exit);
        Assert.Contains("is not a PEP 440 public version", output.ToString());
    }

    [Fact]
    public void An_unknown_template_lists_the_valid_ones() =>
        Fails(1, Run("Restore", "--templates", "codex,nope", "--runtime-version", "1.2.3"),
            "nope", "claude-code, codex, hermes, openclaw");

    [Fact]
    public void Broken_yaml_in_fleet_yaml_names_file_and_line()
    {
        Edit("templates/fleet.yaml", "templates: [claude-code, codex, hermes, openclaw]", "templates: [claude-code, codex");
        // Line 5 is the templates list; column 12 its unclosed '['.
        var run = Run("Restore", "--runtime-version", "1.2.3");
        Fails(1, run, "templates/fleet.yaml:5:12: invalid YAML: this list or mapping is never closed");
        Assert.DoesNotContain("═══ BuildImage", run.Output);
    }

    [Fact]
    public void An_unknown_key_in_a_template_names_file_line_and_key()
    {
        Edit("templates/codex/template.yaml", "  version: ", "  verison: "); // whatever version Bump left there
        Fails(1, Run("Restore", "--runtime-version", "1.2.3"), "templates/codex/template.yaml:", "verison");
    }

    [Fact]
    public void A_range_instead_of_an_exact_agent_version_is_refused()
    {
        Edit("templates/openclaw/template.yaml", "  version: ", "  version: ^");
        Fails(1, Run("Restore", "--runtime-version", "1.2.3"), "templates/openclaw/template.yaml:", "version");
    }

    [Fact]
    public void A_missing_dockerfile_is_named()
    {
        File.Delete(Path.Combine(root, "templates", "hermes", "Dockerfile"));
        Fails(1, Run("Restore", "--runtime-version", "1.2.3"), "templates/hermes/Dockerfile");
    }

    [Fact]
    public void The_cache_trap_is_caught_by_the_static_gate()
    {
        Edit("templates/codex/Dockerfile", "ARG RUNTIME_VERSION", "ARG RUNTIME_VERSION_UNUSED");
        Fails(1, Run("Restore", "--runtime-version", "1.2.3"), "templates/codex/Dockerfile:", "`ARG RUNTIME_VERSION`", "[cache-trap]");
    }

    [Fact]
    public void A_swallowed_install_failure_is_caught_by_the_static_gate()
    {
        var dockerfile = Path.Combine(root, "templates", "claude-code", "Dockerfile");
        var text = File.ReadAllText(dockerfile);
        var install = text.IndexOf("RUN fleet-install-agent", StringComparison.Ordinal);
        Assert.True(install > 0);
        var end = text.IndexOf('\n', install);
        File.WriteAllText(dockerfile, text[..end].TrimEnd('\\', ' ') + " || true" + (text[end - 1] == '\\' ? " \\" : "") + text[end..]);
        Fails(1, Run("Restore", "--runtime-version", "1.2.3"), "templates/claude-code/Dockerfile:", "'|| true' swallows the failure of", "[swallowed-failure]");
    }

    [Fact]
    public void A_contract_with_an_unknown_severity_is_refused()
    {
        Edit("templates/t4-contract.yaml", "severity: hard", "severity: mandatory");
        Fails(1, Run("Restore", "--runtime-version", "1.2.3"), "templates/t4-contract.yaml:", "severity");
    }

    [Fact]
    public void A_corrupt_pin_file_is_named()
    {
        File.WriteAllText(Path.Combine(root, "templates", "codex", "pin.json"), "{ \"digest\": \"latest\"");
        Fails(1, Run("Restore", "--runtime-version", "1.2.3"), "pin.json");
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error() =>
        Fails(2, Run("Restore", "--runtime-versoin", "1.2.3"), "--runtime-versoin", "--runtime-version");

    [Fact]
    public void An_unknown_target_lists_the_targets() =>
        Fails(2, Run("Deploy"), "Deploy", "T4Conformance");

    [Fact]
    public void A_parallelism_below_one_is_a_usage_error() =>
        Fails(2, Run("Restore", "--parallelism", "0"), "--parallelism 0");

    [Fact]
    public void A_parallelism_that_is_not_a_number_is_a_usage_error() =>
        Fails(2, Run("Restore", "--parallelism", "many"), "parallelism", "many");

    [Fact]
    public void A_docker_host_that_is_not_an_endpoint_is_a_usage_error() =>
        Fails(2, Run("Restore", "--docker-host", "my laptop"), "--docker-host", "unix:///var/run/docker.sock");

    [Fact]
    public void Cascade_without_a_runtime_version_is_a_usage_error() =>
        Fails(2, Run("Cascade"), "Cascade needs --runtime-version");

    [Fact]
    public void The_plan_of_Cascade_needs_none_of_what_running_it_needs()
    {
        var (exit, output) = Run("--plan", "Cascade");
        Assert.Equal(0, exit);
        // The whole chain in order, one numbered row each, Cascade last and invoked; the header alone names only Cascade.
        var rows = output.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d+\. ")).Select(l => l.Trim().Split(' ', 3)[1]).ToList();
        Assert.Equal(["MarkCascadeStarted", "WaitForRuntime", "Restore", "BuildBase", "PublishBase", "BuildImage", "TemplateTests", "Smoke", "T4Conformance", "Publish", "Cascade"], rows);
        Assert.Matches(@"\d\. Cascade +invoked", output);
        Assert.DoesNotContain("error", output);
    }

    [Fact]
    public void The_plan_still_rejects_a_bad_runtime_version() =>
        Fails(2, Run("--plan", "Cascade", "--runtime-version", "1.0;id"), "1.0;id");

    [Fact]
    public void Cascade_without_the_forge_settings_stops_before_building_anything() =>
        Fails(2, Run("Cascade", "--runtime-version", "1.2.3"), "the forge needs --forge-api-url");

    [Fact]
    public void Cascade_with_a_repository_that_is_not_owner_slash_name_is_a_usage_error() =>
        Fails(2, Run("Cascade", "--runtime-version", "1.2.3", "--git-hub-api-url", "https://forge.example/api/v1",
            "--git-hub-repository", "template-fleet", "--git-hub-token", "tok-123"), "--git-hub-repository as <owner>/<name>", "'template-fleet'");

    [Fact]
    public void Cascade_with_an_api_url_that_is_not_http_is_a_usage_error() =>
        Fails(2, Run("Cascade", "--runtime-version", "1.2.3", "--git-hub-api-url", "forge.example",
            "--git-hub-repository", "o/r", "--git-hub-token", "tok-123"), "--git-hub-api-url 'forge.example'", "api/v1");

    [Fact]
    public void Cascade_without_a_token_is_a_usage_error() =>
        Fails(2, Run("Cascade", "--runtime-version", "1.2.3", "--git-hub-api-url", "https://forge.example/api/v1",
            "--git-hub-repository", "o/r"), "the forge needs --forge-token");

    [Fact]
    public void Cascade_polling_the_index_faster_than_once_a_second_is_a_usage_error() =>
        Fails(2, Run("Cascade", "--runtime-version", "1.2.3", "--index-poll-seconds", "0"), "--index-poll-seconds 0");

    [Fact]
    public void Help_lists_the_targets_with_their_dependencies()
    {
        var (exit, output) = Run("--help");
        Assert.Equal(0, exit);
        foreach (var target in new[] { "Restore", "BuildBase", "PublishBase", "BuildImage", "TemplateTests", "Smoke", "T4Conformance", "Publish", "Cascade" })
            Assert.Contains(target, output);
        Assert.Contains("-> PublishBase, TemplateTests, Smoke, T4Conformance", output);
    }

    [Fact]
    public void The_plan_of_the_main_job_is_restore_build_gate()
    {
        var (exit, output) = Run("--plan", "T4Conformance");
        Assert.Equal(0, exit);
        var restore = output.IndexOf("Restore", StringComparison.Ordinal);
        var build = output.IndexOf("BuildImage", StringComparison.Ordinal);
        var t4 = output.IndexOf("T4Conformance", build + 1, StringComparison.Ordinal);
        Assert.True(restore >= 0 && restore < build && build < t4, output);
        Assert.DoesNotContain("Publish", output);
    }

    [Fact]
    public void A_ca_bundle_without_a_certificate_fails_Restore_before_the_engine_or_the_index()
    {
        var bundle = Path.Combine(root, "not-a-bundle.pem");
        File.WriteAllText(bundle, "this is not PEM\n");

        var run = Run("Restore", "--ca-bundle", bundle);

        Fails(1, run, $"the extra CA bundle {bundle} (--ca-bundle) holds no PEM certificate");
        // Checked with the data, before anything slow: no engine contacted, no index made.
        Assert.DoesNotContain("Docker engine", run.Output);
        Assert.DoesNotContain("Embedded package index", run.Output);
    }
}

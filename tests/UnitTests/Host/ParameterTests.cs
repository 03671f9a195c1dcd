namespace TemplateFleet.UnitTests.Host;

[Collection("host")]
public sealed class ParameterTests
{
    [Theory]
    [InlineData("cli", "from-cli")]
    [InlineData("env", "from-env")]
    [InlineData("file", "from-file")]
    [InlineData("default", null)]
    public void Precedence_is_cli_env_file_default(string highest, string? expected)
    {
        using var host = new HostHarness();
        var levels = new[] { "cli", "env", "file", "default" };
        var present = levels.SkipWhile(l => l != highest).ToHashSet();
        var args = new List<string> { "Show" };
        if (present.Contains("cli"))
        {
            args.AddRange(["--runtime-version", "from-cli"]);
        }

        if (present.Contains("env"))
        {
            host.Environment["RUNTIME_VERSION"] = "from-env";
        }

        host.WriteFile(".nuke/parameters.json", present.Contains("file")
            ? """{ "$schema": "./build.schema.json", "RuntimeVersion": "from-file" }"""
            : """{ "$schema": "./build.schema.json" }""");

        var result = host.Run<ParameterBuild>([.. args]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(expected, Recorder.Values["RuntimeVersion"]);
    }

    [Theory]
    [InlineData("RUNTIME_VERSION")]
    [InlineData("runtimeversion")]
    [InlineData("NUKE_RUNTIME_VERSION")]
    [InlineData("RuntimeVersion")]
    public void Environment_names_ignore_case_underscores_and_the_NUKE_prefix(string variable)
    {
        using var host = new HostHarness();
        host.Environment[variable] = "1.2.3";

        var result = host.Run<ParameterBuild>("Show");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("1.2.3", Recorder.Values["RuntimeVersion"]);
    }

    [Fact]
    public void The_canonical_environment_name_wins_over_other_spellings()
    {
        // A CI runner sets GITHUB_TOKEN itself; a workflow passes the build's own GIT_HUB_TOKEN beside it.
        // RUNTIMEVERSION sorts before RUNTIME_VERSION as GITHUB_TOKEN does before GIT_HUB_TOKEN.
        using var host = new HostHarness();
        host.Environment["RUNTIMEVERSION"] = "other-spelling";
        host.Environment["NUKE_RUNTIME_VERSION"] = "prefixed";
        host.Environment["RUNTIME_VERSION"] = "canonical";

        var result = host.Run<ParameterBuild>("Show");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("canonical", Recorder.Values["RuntimeVersion"]);
    }

    [Fact]
    public void Every_supported_type_converts()
    {
        using var host = new HostHarness();

        var result = host.Run<ParameterBuild>(
            "Show", "--templates", "codex,hermes", "openclaw", "--parallelism", "4", "--dry-run",
            "--output", "out/reports", "--retries", "3", "--channel", "beta");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new[] { "codex", "hermes", "openclaw" }, Recorder.Values["Templates"]);
        Assert.Equal(4, Recorder.Values["Parallelism"]);
        Assert.Equal(true, Recorder.Values["DryRun"]);
        Assert.Equal(Path.Combine(host.Root, "out", "reports"), Recorder.Values["Output"]?.ToString());
        Assert.Equal(3, Recorder.Values["Retries"]);
        Assert.Equal("beta", Recorder.Values["Channel"]);
    }

    [Fact]
    public void Defaults_come_from_the_initializers()
    {
        using var host = new HostHarness();

        var result = host.Run<ParameterBuild>("Show");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new[] { "all" }, Recorder.Values["Templates"]);
        Assert.Equal(2, Recorder.Values["Parallelism"]);
        Assert.Equal(false, Recorder.Values["DryRun"]);
        Assert.Null(Recorder.Values["Retries"]);
    }

    [Fact]
    public void Space_separated_lists_work_from_the_environment_and_json_arrays_from_files()
    {
        using var host = new HostHarness();
        host.Environment["TEMPLATES"] = "codex hermes";
        var fromEnvironment = host.Run<ParameterBuild>("Show");
        var templatesFromEnvironment = Recorder.Values["Templates"];
        host.Environment.Clear();
        host.WriteFile(".nuke/parameters.json", """{ "Templates": ["claude-code", "openclaw"], "Parallelism": 3, "DryRun": true }""");

        var fromFile = host.Run<ParameterBuild>("Show");

        Assert.Equal(0, fromEnvironment.ExitCode);
        Assert.Equal(new[] { "codex", "hermes" }, templatesFromEnvironment);
        Assert.Equal(0, fromFile.ExitCode);
        Assert.Equal(new[] { "claude-code", "openclaw" }, Recorder.Values["Templates"]);
        Assert.Equal(3, Recorder.Values["Parallelism"]);
        Assert.Equal(true, Recorder.Values["DryRun"]);
    }

    [Fact]
    public void A_bad_command_line_value_names_the_parameter_and_its_source()
    {
        using var host = new HostHarness();

        var result = host.Run<ParameterBuild>("Show", "--parallelism", "abc");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Parameter Parallelism from command line (--parallelism): 'abc' is not a valid int", result.Error);
        Assert.Empty(result.Executed);
    }

    [Fact]
    public void A_bad_environment_value_names_the_variable()
    {
        using var host = new HostHarness();
        host.Environment["NUKE_PARALLELISM"] = "sloppy";

        var result = host.Run<ParameterBuild>("Show");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Parameter Parallelism from environment (NUKE_PARALLELISM): 'sloppy' is not a valid int", result.Error);
        Assert.Empty(result.Executed);
    }

    [Fact]
    public void A_bad_file_value_names_the_file()
    {
        using var host = new HostHarness();
        host.WriteFile(".nuke/parameters.json", """{ "Retries": "many" }""");

        var result = host.Run<ParameterBuild>("Show");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Parameter Retries from .nuke/parameters.json: 'many' is not a valid int", result.Error);
    }

    [Fact]
    public void An_unknown_key_in_a_parameters_file_is_an_error_naming_the_file()
    {
        using var host = new HostHarness();
        host.WriteFile(".nuke/parameters.json", """{ "$schema": "./build.schema.json", "RuntimeVersoin": "1.0" }""");

        var result = host.Run<ParameterBuild>("Show");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(".nuke/parameters.json: unknown parameter 'RuntimeVersoin'. Did you mean 'RuntimeVersion'?", result.Error);
        Assert.Empty(result.Executed);
    }

    [Fact]
    public void Invalid_json_is_an_error_naming_the_file_and_line()
    {
        using var host = new HostHarness();
        host.WriteFile(".nuke/parameters.json", "{\n  \"Parallelism\": 2\n  \"Mode\": \"Fast\"\n}");

        var result = host.Run<ParameterBuild>("Show");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(".nuke/parameters.json:3: not valid JSON", result.Error);
    }


    [Fact]
    public void An_InvalidUsageException_in_OnBuildInitialized_is_a_one_line_usage_error_and_nothing_runs()
    {
        using var host = new HostHarness();

        var result = host.Run<ParameterBuild>("Show", "--invalid");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: Parameter Invalid: refused by OnBuildInitialized; drop --invalid.", result.Error.TrimEnd());
        Assert.Empty(result.Executed);
        Assert.DoesNotContain("Build failed", result.Out);
    }

    [Fact]
    public void A_TargetFailedException_in_OnBuildInitialized_fails_in_one_line_with_exit_1_and_nothing_runs()
    {
        using var host = new HostHarness();

        var result = host.Run<ParameterBuild>("Show", "--unready");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: Parameter Unready: the set-up this build needs is missing.", result.Error.TrimEnd());
        Assert.Empty(result.Executed);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void Another_exception_in_OnBuildInitialized_fails_in_one_line_and_nothing_runs()
    {
        using var host = new HostHarness();

        var result = host.Run<ParameterBuild>("Show", "--crash");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "error: InvalidOperationException: initialisation bug (run with --verbosity verbose for the stack trace)",
            result.Error.TrimEnd());
        Assert.Empty(result.Executed);
    }
}

using TemplateFleet.Host;

namespace TemplateFleet.UnitTests.Host;

[Collection("host")]
public sealed class CliTests
{
    [Fact]
    public void No_target_prints_help_with_targets_dependencies_and_parameter_sources()
    {
        using var host = new HostHarness();
        host.Environment["RUNTIME_VERSION"] = "9.9.9";
        host.WriteFile(".nuke/parameters.json", """{ "Parallelism": 5 }""");

        using var other = new HostHarness();

        var result = host.Run<ParameterBuild>();
        var order = other.Run<OrderBuild>("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Targets (with their direct dependencies):", result.Out);
        Assert.Matches(@"Show\s+Record parameter values", result.Out);
        Assert.Matches(@"--runtime-version <string>\s+Runtime version\s+= 9\.9\.9  \(environment \(RUNTIME_VERSION\)\)", result.Out);
        Assert.Matches(@"--parallelism <int>\s+Parallelism\s+= 5  \(\.nuke/parameters\.json\)", result.Out);
        Assert.Contains("--channel <string>", result.Out);
        Assert.Empty(result.Executed);

        Assert.Equal(0, order.ExitCode);
        Assert.Matches(@"Compile\s+Compile\r?\n\s+-> Restore, Lint", order.Out);
        Assert.DoesNotContain("Secretive", order.Out);
    }

    [Fact]
    public void Help_still_shows_when_a_value_is_bad_and_warns_about_it()
    {
        using var host = new HostHarness();
        host.Environment["PARALLELISM"] = "lots";

        var result = host.Run<ParameterBuild>("-h");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("warning: Parameter Parallelism from environment (PARALLELISM): 'lots' is not a valid int", result.Out);
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error_with_the_closest_match()
    {
        using var host = new HostHarness();

        var result = host.Run<ParameterBuild>("Show", "--paralelism", "3");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: Unknown option '--paralelism'. Did you mean '--parallelism'? Run ./build.sh --help for the options.", result.Error.TrimEnd());
        Assert.Empty(result.Executed);
    }

    [Fact]
    public void An_unknown_option_close_to_a_host_option_suggests_it()
    {
        using var host = new HostHarness();

        var result = host.Run<OrderBuild>("Restore", "--verbose");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown option '--verbose'. Did you mean '--verbosity'?", result.Error);
    }

    [Fact]
    public void A_bad_verbosity_is_a_usage_error()
    {
        using var host = new HostHarness();

        var result = host.Run<OrderBuild>("Restore", "--verbosity", "loud");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--verbosity 'loud' is not valid. Use quiet, minimal, normal or verbose.", result.Error);
        Assert.Empty(result.Executed);
    }

    [Fact]
    public void No_logo_suppresses_the_banner()
    {
        using var host = new HostHarness();

        var withLogo = host.Run<OrderBuild>("Restore");
        var without = host.Run<OrderBuild>("Restore", "--no-logo");

        Assert.Contains("ordering test build · Restore · " + host.Root, withLogo.Out);
        Assert.DoesNotContain("ordering test build", without.Out);
        Assert.Equal(0, without.ExitCode);
    }

    [Fact]
    public void The_banner_names_a_build_that_gives_no_display_name_by_its_type()
    {
        using var host = new HostHarness();

        var result = host.Run<ActionsBuild>("Steps");

        Assert.Contains("ActionsBuild · Steps · " + host.Root, result.Out);
    }

    [Fact]
    public void The_root_is_found_from_the_working_directory_or_given_with_root()
    {
        using var host = new HostHarness();
        var nested = Directory.CreateDirectory(Path.Combine(host.Root, "templates", "codex")).FullName;
        var output = new StringWriter();
        var error = new StringWriter();

        var found = BuildRunner.Run<RootBuild>(["Where"], new BuildContextOptions { WorkingDirectory = nested, Out = output, Error = error });
        var foundRoot = RootBuild.Seen;
        var given = BuildRunner.Run<RootBuild>(["Where", "--root", nested], new BuildContextOptions { WorkingDirectory = "/", Out = output, Error = error });

        Assert.Equal(0, found);
        Assert.Equal(host.Root, foundRoot);
        Assert.Equal(0, given);
        Assert.Equal(nested, RootBuild.Seen);
    }

    [Fact]
    public void A_root_that_does_not_exist_is_a_usage_error()
    {
        using var host = new HostHarness();
        var error = new StringWriter();

        var code = BuildRunner.Run<RootBuild>(["Where", "--root", Path.Combine(host.Root, "nope")], new BuildContextOptions { Error = error });

        Assert.Equal(2, code);
        Assert.Contains("nope': directory does not exist.", error.ToString());
    }

    [Fact]
    public void Absolute_paths_compose_with_slash_and_convert_to_string()
    {
        AbsolutePath root = "/repo";

        var pin = root / "templates" / "codex" / "pin.txt";

        Assert.Equal("/repo/templates/codex/pin.txt", (string)pin);
        Assert.Equal(root / "templates" / "codex", pin.Parent);
        Assert.Equal("/repo", (root / "templates" / "..").ToString());
    }
}

internal sealed class RootBuild : NukeBuild
{
    public static string? Seen { get; private set; }

    Target Where => _ => _.Executes(() => Seen = RootDirectory);
}

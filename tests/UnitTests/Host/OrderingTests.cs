using TemplateFleet.Host;

namespace TemplateFleet.UnitTests.Host;

[Collection("host")]
public sealed class OrderingTests
{
    [Fact]
    public void Every_edge_kind_orders_the_plan()
    {
        using var host = new HostHarness();

        var result = host.Run<OrderBuild>("Announce", "Pack", "Test", "Clean");

        Assert.Equal(0, result.ExitCode);
        // Clean is Before(Restore), Pack waits After(Test), Announce After(Pack), whatever order they were named in.
        Assert.Equal(["Clean", "Restore", "Lint", "Compile", "Test", "Pack", "Announce"], result.Executed);
    }

    [Fact]
    public void A_cycle_is_a_usage_error_that_names_it()
    {
        using var host = new HostHarness();

        var result = host.Run<CycleBuild>("Alpha");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Cycle: Alpha -> Beta -> Gamma -> Alpha", result.Error);
        Assert.Empty(result.Executed);
    }

    [Theory]
    [InlineData("compile")]
    [InlineData("COMPILE")]
    [InlineData("Comp")]
    [InlineData("co-mp-ile")]
    public void Names_match_ignoring_case_and_dashes_and_by_unambiguous_prefix(string typed)
    {
        using var host = new HostHarness();

        var result = host.Run<OrderBuild>(typed, "--skip");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Compile"], result.Executed);
    }

    [Fact]
    public void An_ambiguous_prefix_is_a_usage_error_listing_the_candidates()
    {
        using var host = new HostHarness();

        var result = host.Run<OrderBuild>("C");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Target 'C' is ambiguous: it could be Clean, Compile", result.Error);
        Assert.Empty(result.Executed);
    }

    [Fact]
    public void An_unknown_target_is_a_usage_error_listing_the_valid_ones()
    {
        using var host = new HostHarness();

        var result = host.Run<OrderBuild>("Deploy");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Target 'Deploy' is unknown.", result.Error);
        Assert.Contains("Valid targets: Clean, Restore, Compile, Pack, Test, Announce, Lint, Publish.", result.Error);
        Assert.Empty(result.Executed);
    }

    [Fact]
    public void The_target_option_invokes_targets_like_positional_names()
    {
        using var host = new HostHarness();

        var result = host.Run<OrderBuild>("--target", "restore", "lint");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Restore", "Lint"], result.Executed);
    }

    [Fact]
    public void Skip_with_names_skips_only_those()
    {
        using var host = new HostHarness();

        var result = host.Run<OrderBuild>("Test", "--skip", "restore", "Lint");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Compile", "Test"], result.Executed);
        Assert.Equal("Skipped", result.StatusOf("Restore"));
        Assert.Equal("Skipped", result.StatusOf("Lint"));
    }

    [Fact]
    public void Skip_without_names_runs_only_the_invoked_targets()
    {
        using var host = new HostHarness();

        var result = host.Run<OrderBuild>("Pack", "--skip");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Pack"], result.Executed);
        Assert.Equal("Skipped", result.StatusOf("Compile"));
    }

    [Fact]
    public void Skip_of_an_unknown_target_is_a_usage_error()
    {
        using var host = new HostHarness();

        var result = host.Run<OrderBuild>("Pack", "--skip", "Restor3");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--skip target 'Restor3' is unknown. Did you mean 'Restore'?", result.Error);
        Assert.Empty(result.Executed);
    }

    [Fact]
    public void Plan_prints_the_order_with_reasons_and_runs_nothing()
    {
        using var host = new HostHarness();

        var result = host.Run<OrderBuild>("--plan", "Publish", "--skip", "Lint");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Executed);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        Assert.Equal("Execution plan for Publish (5 targets):", lines[0]);
        Assert.Matches(@"^1\. Restore\s+dependency of Compile$", lines[1]);
        Assert.Matches(@"^2\. Lint\s+skipped: --skip$", lines[2]);
        Assert.Matches(@"^3\. Compile\s+dependency of Pack$", lines[3]);
        Assert.Matches(@"^4\. Pack\s+dependency of Publish$", lines[4]);
        Assert.Matches(@"^5\. Publish\s+invoked$", lines[5]);
    }
}

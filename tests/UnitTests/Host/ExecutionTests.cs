namespace TemplateFleet.UnitTests.Host;

[Collection("host")]
public sealed class ExecutionTests
{
    [Fact]
    public void OnlyWhenStatic_false_skips_the_target()
    {
        using var host = new HostHarness();

        var result = host.Run<ConditionBuild>("All", "--make-ready");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Setup", "Shared", "Verify"], result.Executed);
        Assert.Equal("Skipped", result.StatusOf("Deploy"));
        Assert.Contains("OnlyWhenStatic(Enabled) is false", result.Row("Deploy"));
        Assert.Equal("Collective", result.StatusOf("All"));
    }

    [Fact]
    public void OnlyWhenStatic_true_runs_the_target()
    {
        using var host = new HostHarness();

        var result = host.Run<ConditionBuild>("All", "--enabled", "--make-ready", "--environment", "test");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["checked Deploy", "Setup", "Shared", "Deploy", "Verify"], result.Executed);
    }

    [Fact]
    public void A_requirement_is_checked_before_any_target_runs_and_fails_as_a_usage_error()
    {
        using var host = new HostHarness();

        var missing = host.Run<ConditionBuild>("All", "--enabled");
        Recorder.Clear();
        var planned = host.Run<ConditionBuild>("--plan", "All", "--enabled");
        Recorder.Clear();
        var skipped = host.Run<ConditionBuild>("All");

        Assert.Equal(2, missing.ExitCode);
        Assert.Equal("error: Deploy needs --environment.", missing.Error.Trim());
        Assert.Equal(["checked Deploy"], missing.Executed);
        Assert.Equal(0, planned.ExitCode);
        Assert.DoesNotContain("checked Deploy", planned.Executed);
        Assert.Equal(0, skipped.ExitCode); // Deploy is skipped statically: what it requires does not matter
        Assert.DoesNotContain("checked Deploy", skipped.Executed);
    }

    [Fact]
    public void OnlyWhenDynamic_is_evaluated_right_before_the_target()
    {
        using var host = new HostHarness();

        // Ready is only set while Shared runs: a condition evaluated up front would always be false.
        var ready = host.Run<ConditionBuild>("Verify", "--make-ready");
        var notReady = host.Run<ConditionBuild>("Verify");

        Assert.Equal(0, ready.ExitCode);
        Assert.Equal("Succeeded", ready.StatusOf("Verify"));
        Assert.Equal(0, notReady.ExitCode);
        Assert.Equal("Skipped", notReady.StatusOf("Verify"));
        Assert.Contains("OnlyWhenDynamic(Ready) is false", notReady.Row("Verify"));
    }

    [Fact]
    public void After_a_failure_no_later_target_runs()
    {
        using var host = new HostHarness();

        var result = host.Run<FailureBuild>("Broken", "Later", "Proceed", "Cleanup");

        // As in NUKE, ProceedAfterFailure belongs to the target that fails; on a later target it changes nothing.
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["Prepare", "Broken"], result.Executed);
        Assert.Equal("Failed", result.StatusOf("Broken"));
        Assert.Equal("NotRun", result.StatusOf("Later"));
        Assert.Equal("NotRun", result.StatusOf("Proceed"));
        Assert.Contains("an earlier target failed", result.Row("Proceed"));
        Assert.Equal("NotRun", result.StatusOf("Cleanup"));
        Assert.Contains("Build failed on ", result.Out);
    }

    [Fact]
    public void A_target_that_proceeds_after_failure_lets_its_dependents_run_and_the_build_still_fails()
    {
        using var host = new HostHarness();

        var result = host.Run<FailureBuild>("Downstream", "Cleanup");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["Prepare", "Tolerated", "Downstream", "Cleanup"], result.Executed);
        Assert.Equal("Failed", result.StatusOf("Tolerated"));
        Assert.Contains("Smoke failed for 1 of 4 templates", result.Row("Tolerated"));
        Assert.Equal("Succeeded", result.StatusOf("Downstream"));
        Assert.Contains("Build failed on ", result.Out);
    }

    [Fact]
    public void A_TargetFailedException_fails_the_target_with_its_message_alone()
    {
        using var host = new HostHarness();

        var result = host.Run<FailureBuild>("Broken", "--verbosity", "verbose");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Target Broken failed: templates/codex/template.yaml:7: unknown check kind 'fiel'; use 'file'.", result.Out);
        Assert.DoesNotContain("   at ", result.Out);
    }

    [Fact]
    public void Any_other_exception_is_one_line_with_a_hint_unless_verbose()
    {
        using var host = new HostHarness();

        var normal = host.Run<FailureBuild>("Broken", "--fail", "crash");
        var verbose = host.Run<FailureBuild>("Broken", "--fail", "crash", "--verbosity", "verbose");

        Assert.Equal(1, normal.ExitCode);
        Assert.Contains("Target Broken failed: InvalidOperationException: boom (run with --verbosity verbose for the stack trace)", normal.Out);
        Assert.DoesNotContain("   at ", normal.Out);
        Assert.Equal(1, verbose.ExitCode);
        Assert.Contains("System.InvalidOperationException: boom", verbose.Out);
        Assert.Contains("   at ", verbose.Out);
    }

    [Fact]
    public void Interrupting_stops_the_build_with_130_and_runs_nothing_after()
    {
        using var host = new HostHarness();
        CancelBuild.Interrupt = new CancellationTokenSource();
        host.CancellationToken = CancelBuild.Interrupt.Token;

        var result = host.Run<CancelBuild>("Second", "Teardown");

        Assert.Equal(130, result.ExitCode);
        Assert.Equal(["First"], result.Executed);
        Assert.Equal("Failed", result.StatusOf("First"));
        Assert.Contains("interrupted", result.Row("First"));
        Assert.Equal("NotRun", result.StatusOf("Second"));
        Assert.Contains("not run: the build was interrupted", result.Row("Teardown"));
    }

    [Fact]
    public void The_summary_table_lists_status_duration_and_notes()
    {
        using var host = new HostHarness();

        var result = host.Run<ParameterBuild>("Report", "Show");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"Target\s+Status\s+Duration\s+Note", result.Out);
        Assert.Matches(@"Report\s+Succeeded\s+< 1sec\s+templates 4/4", result.Row("Report"));
        Assert.Matches(@"Show\s+Succeeded\s+< 1sec", result.Row("Show"));
        Assert.Matches(@"Total\s+\S", result.Out);
        Assert.Matches(@"Build succeeded on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", result.Out);
    }

    [Fact]
    public void Colours_are_used_unless_NO_COLOR_is_set()
    {
        using var host = new HostHarness { UseColor = true };

        var coloured = host.Run<OrderBuild>("Restore");
        host.Environment["NO_COLOR"] = "1";
        var plain = host.Run<OrderBuild>("Restore");

        Assert.Contains("\u001b[32m", coloured.Out);
        Assert.DoesNotContain("\u001b[", plain.Out);
    }

    [Fact]
    public void Quiet_verbosity_hides_information_but_keeps_errors_and_the_summary()
    {
        using var host = new HostHarness();

        var result = host.Run<FailureBuild>("Broken", "--verbosity", "quiet");

        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("═══ Prepare ═══", result.Out);
        Assert.Contains("[ERR] Target Broken failed", result.Out);
        Assert.Contains("Build failed on ", result.Out);
    }

    [Fact]
    public void Several_actions_run_in_order_and_summary_pairs_accumulate()
    {
        using var host = new HostHarness();

        var result = host.Run<ActionsBuild>("Steps");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["one", "two", "three"], result.Executed);
        Assert.Matches(@"Steps\s+Succeeded\s+< 1sec\s+steps 3, cached$", result.Row("Steps"));
    }
}

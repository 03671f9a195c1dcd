using TemplateFleet.Host;

namespace TemplateFleet.UnitTests.Host;

/// <summary>Multi-job workflows ([GiteaActionsJob]): needs, job outputs through $GITHUB_OUTPUT, artifacts between jobs.</summary>
[Collection("host")]
public sealed class MultiJobWorkflowTests
{
    private const string Release = ".gitea/workflows/release.yml";

    [Fact]
    public void Jobs_come_in_needs_order_with_outputs_matrix_artifacts_and_a_job_that_always_runs()
    {
        var yaml = Generate<MultiJobWorkflowBuild>()[Release];
        var release = WorkflowYamlReader.Parse(yaml);

        Assert.Equal(["prepare", "shards", "collect"], release.Keys("jobs"));
        var prepare = release.At("jobs", "prepare");
        Assert.False(prepare.Has("needs"));
        Assert.Equal("debian-12", prepare.Text("runs-on"));
        Assert.Equal(new Dictionary<string, string>
        {
            ["base"] = "${{ steps.build.outputs.base }}",
            ["version"] = "${{ steps.build.outputs.version }}",
        }, prepare.Map("outputs"));
        var build = release.Steps("prepare")[1];
        Assert.Equal("build", build.Text("id"));
        Assert.Equal("./build.sh Prepare", build.Text("run"));
        Assert.Equal(new Dictionary<string, string> { ["FEED"] = "${{ vars.FEED }}", ["API_KEY"] = "${{ secrets.API_KEY }}" }, build.Map("env"));
        Assert.Equal("prepare-results", release.Steps("prepare")[2].Text("with", "name"));

        var shards = release.At("jobs", "shards");
        Assert.Equal(["prepare"], shards.Texts("needs"));
        Assert.Equal("debian-12", shards.Text("runs-on")); // the workflow's runner
        Assert.Equal(("60", "20", "60"), (prepare.Text("timeout-minutes"), shards.Text("timeout-minutes"), release.At("jobs", "collect").Text("timeout-minutes")));
        Assert.Equal(["a", "b"], shards.Texts("strategy", "matrix", "shards"));
        Assert.False(shards.Has("outputs"));
        var test = release.Steps("shards")[1];
        Assert.False(test.Has("id"));
        Assert.Equal(new Dictionary<string, string>
        {
            ["SHARDS"] = "${{ matrix.shards }}",
            ["BASE"] = "${{ needs.prepare.outputs.base }}",
            ["VERSION"] = "${{ needs.prepare.outputs.version }}",
            ["FEED"] = "${{ vars.FEED }}",
            ["API_KEY"] = "${{ secrets.API_KEY }}",
        }, test.Map("env"));
        Assert.Equal(["shards-results-${{ matrix.shards }}", "shards-logs-${{ matrix.shards }}"], release.Steps("shards").Skip(2).Select(s => s.Text("with", "name")));

        var collect = release.At("jobs", "collect");
        Assert.Equal(["prepare", "shards"], collect.Texts("needs"));
        Assert.Equal("always()", collect.Text("if"));
        var steps = release.Steps("collect");
        Assert.Equal("actions/download-artifact@v3", steps[1].Text("uses"));
        Assert.Equal(new Dictionary<string, string> { ["path"] = "output/jobs" }, steps[1].Map("with")); // no name: every artifact
        Assert.Equal("./build.sh Collect", steps[2].Text("run"));
        Assert.Equal(3, steps.Count);
        WorkflowYamlReader.AssertValuesOnlyThroughEnvironment(yaml);
    }

    [Fact]
    public void A_target_hands_values_on_as_name_value_lines_in_the_output_file()
    {
        using var host = new HostHarness();
        var output = Path.Combine(host.Root, "github-output");
        File.WriteAllText(output, "earlier=kept\n");

        host.Environment[NukeBuild.OutputVariable] = output;
        var result = host.Run<MultiJobWorkflowBuild>("Prepare");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("earlier=kept\nbase=registry/base@sha256:0123\nversion=1.2.3\n", File.ReadAllText(output));
    }

    [Fact]
    public void Without_an_output_file_nothing_is_written_and_a_secret_is_never_an_output()
    {
        using var host = new HostHarness();

        Assert.Equal(0, host.Run<MultiJobWorkflowBuild>("Prepare").ExitCode);
        host.Environment[NukeBuild.OutputVariable] = Path.Combine(host.Root, "out");
        var leak = host.Run<MultiJobWorkflowBuild>("Leak");

        Assert.Equal(BuildRunner.TargetFailed, leak.ExitCode);
        Assert.Contains("'ApiKey' is a [Secret] parameter: never a job output", leak.Out + leak.Error);
        Assert.False(File.Exists(Path.Combine(host.Root, "out")));
    }

    [Theory]
    [InlineData(nameof(CyclicJobsBuild), "[GiteaActions(\"bad\")] jobs.a.Needs: 'b' and 'a' need each other")]
    [InlineData(nameof(UnknownNeedBuild), "[GiteaActions(\"bad\")] jobs.a.Needs: 'bulid' is not a job of this workflow. Did you mean 'build'?")]
    [InlineData(nameof(MatrixOutputBuild), "[GiteaActions(\"bad\")] jobs.a.Outputs: a matrix job has one value of each output per matrix entry")]
    [InlineData(nameof(MissingOutputBuild), "[GiteaActions(\"bad\")] jobs.b.ImportOutputs: 'Version' is no output of a job 'b' needs")]
    [InlineData(nameof(TargetsOnBothBuild), "[GiteaActions(\"bad\")] InvokedTargets: belongs to its jobs")]
    [InlineData(nameof(OrphanJobBuild), "[GiteaActionsJob(\"bda\", \"a\")] names no [GiteaActions] workflow of OrphanJobBuild. Did you mean 'bad'?")]
    public void A_job_mistake_is_a_usage_error_naming_the_workflow_the_job_and_the_name(string build, string message)
    {
        using var host = new HostHarness();

        var result = build switch
        {
            nameof(CyclicJobsBuild) => host.Run<CyclicJobsBuild>("--generate-configuration"),
            nameof(UnknownNeedBuild) => host.Run<UnknownNeedBuild>("--generate-configuration"),
            nameof(MatrixOutputBuild) => host.Run<MatrixOutputBuild>("--generate-configuration"),
            nameof(MissingOutputBuild) => host.Run<MissingOutputBuild>("--generate-configuration"),
            nameof(TargetsOnBothBuild) => host.Run<TargetsOnBothBuild>("--generate-configuration"),
            nameof(OrphanJobBuild) => host.Run<OrphanJobBuild>("--generate-configuration"),
            _ => throw new ArgumentException(build, nameof(build)),
        };

        Assert.Equal(BuildRunner.UsageError, result.ExitCode);
        Assert.StartsWith("error: " + message, result.Error);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(host.Root, ".gitea")));
    }

    private static IReadOnlyDictionary<string, string> Generate<TBuild>()
        where TBuild : NukeBuild, new()
    {
        using var host = new HostHarness();
        return WorkflowGenerator.Generate<TBuild>(host.Root);
    }
}

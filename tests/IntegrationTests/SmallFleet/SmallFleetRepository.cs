using System.Text.RegularExpressions;
using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.SmallFleet;

/// <summary>
/// The small fleet (tests/IntegrationTests/README.md): a copy of this repository that ./build.sh runs like the
/// fleet, with the real hermes template and <see cref="Sidekick"/> (a copy of it under another name) on a base
/// without Node (SmallFleet/base/Dockerfile). Everything else is the checkout's own: fleet.yaml (its template
/// list aside), the contract, the base's scripts, the packages of the embedded index, .nuke/. Base and both
/// templates build in about a minute cold and pass Smoke, T4 and the supply chain, so tests of how ./build.sh
/// behaves (a gate cut short, a cascade, two builds on one engine) need no real CLI installs.
/// </summary>
public static partial class SmallFleetRepository
{
    public const string Hermes = "hermes";
    public const string Sidekick = "sidekick";
    public static readonly string[] Templates = [Hermes, Sidekick];

    static string Overlay => RepositoryRoot.Combine("tests", "IntegrationTests", "SmallFleet");

    /// <summary>Makes the small fleet in <paramref name="parent"/> (a <see cref="RepositoryCopy"/>, changed as above
    /// in a second commit); returns its root.</summary>
    public static async Task<string> MakeAsync(string parent)
    {
        var root = await RepositoryCopy.MakeAsync(parent);
        var templates = Path.Combine(root, "templates");
        foreach (var folder in Directory.GetDirectories(templates).Where(f => File.Exists(Path.Combine(f, "template.yaml")) && Path.GetFileName(f) != Hermes))
            Directory.Delete(folder, recursive: true);
        UnitTests.TreeCopy.Copy(Path.Combine(templates, Hermes), Path.Combine(templates, Sidekick));
        File.Copy(Path.Combine(Overlay, "base", "Dockerfile"), Path.Combine(templates, "base", "Dockerfile"), overwrite: true);

        var fleetFile = Path.Combine(templates, "fleet.yaml");
        var fleet = await File.ReadAllTextAsync(fleetFile);
        var small = TemplateList().Replace(fleet, $"templates: [{string.Join(", ", Templates)}]", 1);
        if (small == fleet)
            throw new InvalidOperationException($"{fleetFile}: no top-level `templates: [...]` line to replace; SmallFleetRepository reads the fleet's list from it");
        await File.WriteAllTextAsync(fleetFile, small);

        await Git.CommitAsync(root, "the small fleet: hermes and sidekick on a base without Node");
        return root;
    }

    [GeneratedRegex(@"^templates:[ \t]*\[[^\]\n]*\]", RegexOptions.Multiline)]
    private static partial Regex TemplateList();
}

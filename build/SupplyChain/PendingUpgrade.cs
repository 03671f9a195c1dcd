using System.Text.RegularExpressions;

namespace TemplateFleet.SupplyChain;

/// <summary>A Debian package with a newer version waiting in the security archive.</summary>
public sealed partial record PendingUpgrade(string Package, string Installed, string Candidate)
{
    public override string ToString() => $"{Package} {Installed} → {Candidate}";

    /// <summary>The security upgrades in `apt-get -s upgrade` output ("Inst perl [old] (new Debian-Security:12/stable-security [amd64])").
    /// Upgrades from the main archive alone (a point release) are not security upgrades and are left out.</summary>
    public static IReadOnlyList<PendingUpgrade> ParseSimulation(string output)
    {
        var pending = new List<PendingUpgrade>();
        foreach (var line in output.Split('\n'))
        {
            var match = InstLine().Match(line.TrimEnd('\r'));
            if (!match.Success || !match.Groups["installed"].Success)
                continue;
            var origins = match.Groups["origins"].Value;
            if (!origins.Contains("-security", StringComparison.OrdinalIgnoreCase) && !origins.Contains("Debian-Security", StringComparison.Ordinal))
                continue;
            pending.Add(new PendingUpgrade(match.Groups["package"].Value, match.Groups["installed"].Value, match.Groups["candidate"].Value));
        }
        return pending.DistinctBy(p => p.Package).ToList();
    }

    [GeneratedRegex(@"^Inst (?<package>\S+) (?:\[(?<installed>[^\]]+)\] )?\((?<candidate>\S+) (?<origins>[^\[]*?)(?: \[[^\]]+\])?\)")]
    private static partial Regex InstLine();
}

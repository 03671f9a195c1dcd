using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.Dockerfiles.Rules;

/// <summary>Where a RUN installs the runtime: <see cref="Offset"/> in its text, and the requirements file of
/// the build context that lists it when the RUN itself does not name it (null when it does).</summary>
public sealed record RuntimeLayer(int Offset, string? ListedIn)
{
    /// <summary>The runtime install of this RUN, if it has one: it uses ${RUNTIME_PACKAGE}, names the package
    /// (which the fleet-literal rule reports), or installs a requirements file that lists it.</summary>
    public static RuntimeLayer? Of(GatedDockerfile dockerfile, RunStep run)
    {
        var runtime = dockerfile.Facts.RuntimePackage;
        var uses = DockerfileVariables.References(run.Text).Where(r => r.Name == BuildArgs.RuntimePackage.Name).Select(r => (int?)r.Offset).FirstOrDefault();
        var mention = PackageName.Mention(runtime).Match(run.Text);
        if (uses is not null || mention.Success)
            return new RuntimeLayer(Math.Min(uses ?? int.MaxValue, mention.Success ? mention.Index : int.MaxValue), null);
        // The seeds' trap: the runtime came in through `pip install -r requirements.txt`, invisible in the RUN itself.
        return RequirementFileNaming(runtime, dockerfile.ContextDirectory, run.Commands);
    }

    /// <summary>The `-r FILE` word of a pip install whose file (looked up by name in the build context) lists the package.</summary>
    private static RuntimeLayer? RequirementFileNaming(string package, string? contextDirectory, IReadOnlyList<ShellCommand> commands)
    {
        if (contextDirectory is null)
        {
            return null;
        }
        foreach (var command in commands)
        {
            var words = PackageInstalls.PipInstallArguments(command)?.ToList() ?? [];
            for (var i = 0; i < words.Count; i++)
            {
                var file = words[i].Text switch
                {
                    "-r" or "--requirement" when i + 1 < words.Count => words[++i].Text,
                    var w when w.StartsWith("--requirement=", StringComparison.Ordinal) => w["--requirement=".Length..],
                    _ => null,
                };
                var local = file is null ? null : Path.Combine(contextDirectory, Path.GetFileName(file));
                if (local is not null && File.Exists(local) && PackageName.Mention(package).IsMatch(File.ReadAllText(local)))
                    return new RuntimeLayer(words[i].Offset, Path.GetFileName(local));
            }
        }
        return null;
    }
}

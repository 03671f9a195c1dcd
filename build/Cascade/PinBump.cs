using TemplateFleet.Fleet;
using TemplateFleet.Publishing;

namespace TemplateFleet.Cascade;

/// <summary>A changed file for the pull request: path relative to the repository root, with '/' separators.</summary>
public sealed record PinChange(string Path, string Content);

/// <summary>What one pin-bump pull request carries: the pins this run published, the title and the body.</summary>
public sealed record PinBump(string RuntimeVersion, IReadOnlyList<PinChange> Changes, string Title, string Body)
{
    public string Branch => PullRequestBody.BranchName(RuntimeVersion);

    /// <summary>Reads the pin files Publish wrote for the templates it published.</summary>
    public static PinBump FromRun(RunContext context, FleetRun run)
    {
        var version = run.RuntimeVersion.ToString();
        var repositoryRoot = context.Paths.Root;
        var changes = run.Templates
            .Where(t => t.Publish?.Status == PublishOutcome.Published)
            .Select(t => PinFile.PathFor(t.Template))
            .Select(file =>
            {
                PinFile.Read(file); // only complete, valid pins go into a pull request
                var relative = System.IO.Path.GetRelativePath(repositoryRoot, file).Replace('\\', '/');
                if (relative.StartsWith("../", StringComparison.Ordinal))
                    throw new FleetException($"{file} is outside the repository {repositoryRoot}.");
                return new PinChange(relative, File.ReadAllText(file));
            })
            .ToList();
        return new PinBump(version, changes, PullRequestBody.Title(version), PullRequestBody.Render(context, run));
    }
}

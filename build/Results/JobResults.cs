using TemplateFleet.Fleet;

namespace TemplateFleet.Results;

/// <summary>
/// The results the jobs of one workflow run left, as a later job downloads them: every folder under the
/// downloads folder (one per artifact, e.g. output/jobs/base-results/) that holds a run.json is one job's
/// <see cref="ResultStore"/>. Folders without one (logs, reports) are not results and are passed over.
/// </summary>
public static class JobResults
{
    /// <summary>The stores found, in folder order; none when nothing was downloaded.</summary>
    public static IReadOnlyList<ResultStore> Collect(string downloads) => !Directory.Exists(downloads) ? []
        : [.. Directory.EnumerateFiles(downloads, ResultStore.RunFile, SearchOption.AllDirectories)
            .Select(Path.GetDirectoryName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .Select(ResultStore.Open)];

    /// <summary>One line per store for the log: which job, which templates.</summary>
    public static string Describe(ResultStore store, string downloads) =>
        store.Run is { } run
            ? $"{Path.GetRelativePath(downloads, store.Directory)}: job {run.Job ?? "(local)"}, runtime {run.RuntimeVersion}, templates {string.Join(", ", run.Templates)}"
            : throw new FleetException($"{store.Directory}: no {ResultStore.RunFile}");
}

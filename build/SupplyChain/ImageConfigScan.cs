using System.Text.RegularExpressions;
using Docker.DotNet.Models;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// The secret scan of an image's config, from the engine's answers: every ENV entry, label, CMD, ENTRYPOINT,
/// health check, ONBUILD, SHELL, user and working directory, and every history entry with the command that
/// made it (the classic builder writes a RUN's build args there verbatim, "|1 NAME=value /bin/sh -c ..."; the
/// container config of the last step holds the same command). Each finding says which part it is in, never
/// the value; image-config findings cannot be suppressed.
/// </summary>
public static partial class ImageConfigScan
{
    public static IReadOnlyList<(SecretFinding Finding, string Secret)> Scan(ImageInspectResponse image, IEnumerable<ImageHistoryResponse> history, SecretScanner scanner)
    {
        var config = image.Config;
        static string? Join(IEnumerable<string>? words) => words is null ? null : string.Join(" ", words);
        // Each part with its text; a history entry's command has none: where a match is in it says which part it is.
        (string? Part, string? Text)[] parts =
        [
            .. (config?.Env ?? []).Select(entry => ("ENV " + entry.Split('=', 2)[0], entry)),
            .. (config?.Labels ?? new Dictionary<string, string>()).Select(label => ("LABEL " + label.Key, $"{label.Key}={label.Value}")),
            ("CMD", Join(config?.Cmd)), ("ENTRYPOINT", Join(config?.Entrypoint)), ("HEALTHCHECK", Join(config?.Healthcheck?.Test)),
            ("ONBUILD", Join(config?.OnBuild)), ("SHELL", Join(config?.Shell)), ("USER", config?.User), ("WORKDIR", config?.WorkingDir),
            ("comment", image.Comment), ("author", image.Author),
            .. history.SelectMany(entry => new (string?, string?)[] { (null, entry.CreatedBy), ("history, comment", entry.Comment) }),
        ];
        return [.. parts.SelectMany(p => scanner.ScanText(p.Text ?? "").Select(match => (new SecretFinding(SecretSource.ImageConfig, null, 0,
            "image config: " + (p.Part ?? HistoryPart(p.Text!, p.Text!.IndexOf(match.Value, StringComparison.Ordinal))),
            match.Rule.Id, match.Rule.Title, match.Rule.Severity, match.Excerpt), match.Value)))];
    }

    /// <summary>"history, build arg NAME" when the secret is the value of a RUN's build arg, else "history, RUN" (or the instruction).</summary>
    internal static string HistoryPart(string createdBy, int at)
    {
        if (BuildArgs().Match(createdBy) is { Success: true } args && at >= args.Groups[1].Index && at < args.Groups[1].Index + args.Groups[1].Length)
        {
            var name = ArgName().Matches(args.Groups[1].Value).LastOrDefault(m => args.Groups[1].Index + m.Index <= at);
            return name is null ? "history, build args" : "history, build arg " + name.Groups[1].Value;
        }
        return "history, " + Instruction(createdBy);
    }

    /// <summary>The instruction that made a history entry: RUN, COPY, ENV, ... ("import" for an imported file system).</summary>
    internal static string Instruction(string createdBy) =>
        createdBy.Length == 0 ? "import"
        : Nop().Match(createdBy) is { Success: true } nop ? nop.Groups[1].Value
        : LeadingInstruction().Match(createdBy) is { Success: true } lead ? lead.Groups[1].Value : "RUN";

    /// <summary>
    /// The instruction that made each layer, oldest first, from the history API (which, unlike the config, does
    /// not say which entries made a layer): RUN, COPY and ADD always do, metadata instructions never, and a
    /// WORKDIR only when it created its folder. Null when the history cannot be matched to the layers for certain.
    /// </summary>
    public static IReadOnlyList<string>? LayerInstructions(IEnumerable<ImageHistoryResponse> newestFirst, int layers)
    {
        var entries = newestFirst.Reverse().Select(h => (Word: Instruction(h.CreatedBy ?? ""), h.Size)).ToList();
        var makes = entries.Select(e => e.Size > 0 || !(MetadataOnly.Contains(e.Word) || e.Word == "WORKDIR")).ToList();
        var workdirs = entries.Select((e, i) => (e, i)).Where(x => x.e.Word == "WORKDIR" && !makes[x.i]).Select(x => x.i).ToList();
        var count = makes.Count(m => m);
        if (count + workdirs.Count == layers)
            workdirs.ForEach(i => makes[i] = true);
        else if (count != layers)
            return null;
        return entries.Where((_, i) => makes[i]).Select(e => e.Word).ToList();
    }

    static readonly HashSet<string> MetadataOnly = new(StringComparer.Ordinal)
    {
        "ENV", "LABEL", "ARG", "CMD", "ENTRYPOINT", "EXPOSE", "USER", "VOLUME", "STOPSIGNAL", "SHELL", "HEALTHCHECK", "MAINTAINER", "ONBUILD",
    };

    [GeneratedRegex(@"#\(nop\)\s+([A-Z]+)")]
    private static partial Regex Nop();

    [GeneratedRegex(@"^\s*([A-Z]+)\s")]
    private static partial Regex LeadingInstruction();

    // The classic builder records the build args of a RUN as "|<count> NAME=value ... /bin/sh -c <command>".
    [GeneratedRegex(@"^\|\d+\s+(.*?)\s+/bin/(?:ba)?sh\b")]
    private static partial Regex BuildArgs();

    [GeneratedRegex(@"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex ArgName();
}

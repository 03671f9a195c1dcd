using TemplateFleet.Fleet;

namespace TemplateFleet.Gates;

/// <summary>Smoke's file checks: one <c>stat -c '%U %a %F'</c> per path, judged against owner, mode and type.</summary>
public static class FileProbe
{
    public static string Script(FileCheck file) => $"stat -c '%U %a %F' '{file.Path.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    /// <summary>null when the stat line matches the check; otherwise what differs.</summary>
    public static string? Judge(FileCheck file, ExecOutcome outcome)
    {
        if (outcome.ExitCode != 0)
            return $"{file.Path} is missing ({outcome.Stderr.Trim()})";
        var parts = outcome.Stdout.Trim().Split(' ', 3);
        if (parts.Length < 3)
            return $"unexpected stat output '{outcome.Stdout.Trim()}'";
        var (owner, mode, type) = (parts[0], parts[1], parts[2]);
        var problems = new List<string>();
        if (file.Owner is { } o && o != owner)
            problems.Add($"owner is {owner}, expected {o}");
        if (file.Mode is { } m && Octal(m) != Octal(mode))
            problems.Add($"mode is {ModeText(mode)}, expected {m}");
        var typeOk = file.Type switch
        {
            FileType.File => type.StartsWith("regular", StringComparison.Ordinal),
            FileType.Directory => type == "directory",
            _ => true,
        };
        if (!typeOk)
            problems.Add($"is a {type}, expected a {file.Type.ToString().ToLowerInvariant()}");
        return problems.Count == 0 ? null : $"{file.Path}: {string.Join("; ", problems)}";
    }

    static int Octal(string mode) => Convert.ToInt32(mode.TrimStart('0') is { Length: > 0 } m ? m : "0", 8);

    internal static string ModeText(string mode) => Convert.ToString(Octal(mode), 8).PadLeft(4, '0');
}

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>Processes as /proc shows them: a tree below a pid, a command, a field of stat.</summary>
public static class ProcessTree
{
    public static List<int> Descendants(int pid)
    {
        var children = Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(n => int.Parse(n!, System.Globalization.CultureInfo.InvariantCulture))
            .Where(p => Field(p, 1) == pid.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return [.. children, .. children.SelectMany(Descendants)];
    }

    public static string? Command(int pid) => File.Exists($"/proc/{pid}/comm") ? File.ReadAllText($"/proc/{pid}/comm").Trim() : null;

    /// <summary>A field of /proc/PID/stat after the command (0: state, 1: parent pid), or null when it is gone.</summary>
    public static string? Field(int pid, int index)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[index];
        }
        catch (IOException)
        {
            return null;
        }
    }
}

namespace UnitTests;

/// <summary>Copies of folders for tests that must not touch the checkout (shared with the integration tests).</summary>
public static class TreeCopy
{
    /// <summary>Every file under <paramref name="from"/> whose relative path <paramref name="skip"/> does not refuse.</summary>
    public static void Copy(string from, string to, Func<string, bool>? skip = null)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (skip?.Invoke(relative) == true)
                continue;
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>What a build reads of a repository (templates/ and .nuke/), without .nuke/temp, the tools
    /// folder (.nuke/tools: hundreds of MB, and symbolic links), Python caches and pin files: the copy starts unpublished.</summary>
    public static void Repository(string sourceRoot, string targetRoot)
    {
        Copy(Path.Combine(sourceRoot, "templates"), Path.Combine(targetRoot, "templates"),
            r => r.Contains("__pycache__", StringComparison.Ordinal) || Path.GetFileName(r) == "pin.json");
        Copy(Path.Combine(sourceRoot, ".nuke"), Path.Combine(targetRoot, ".nuke"), r => r.StartsWith("temp", StringComparison.Ordinal) || r.StartsWith("tools", StringComparison.Ordinal));
    }
}

using TemplateFleet.Tools;

namespace TemplateFleet.SupplyChain;

/// <summary>
/// Runs trivy, cosign and git through <see cref="ToolProcess"/>: standard input closed (cosign would otherwise prompt
/// for a password), secrets only through the environment of that one child process.
/// </summary>
public static class ToolCommand
{
    public static async Task<ProcessResult> RunAsync(string tool, IEnumerable<string> args, TimeSpan timeout, CancellationToken ct,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        try
        {
            return await ToolProcess.RunAsync(tool, args, workingDirectory, timeout, ct, environment, throwWhenMissing: true);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SupplyChainException($"cannot run {tool}: {e.Message}. The tools installer puts it in the cache folder's tools/ ($FLEET_CACHE_HOME, else ~/.cache/template-fleet); run the build again to install it.");
        }
    }

    /// <summary>The last non-empty lines of stderr, scrubbed, for an error message.</summary>
    public static string Scrubbed(this ProcessResult output, int lines = 6, params IEnumerable<string?> secrets) =>
        string.Join("\n", output.Stderr.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).TakeLast(lines).Select(l => "  " + Scrubber.Apply(l, secrets)));
}

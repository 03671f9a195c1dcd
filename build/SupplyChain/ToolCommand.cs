using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace TemplateFleet.SupplyChain;

/// <summary>What a supply-chain tool printed and how it ended.</summary>
public sealed record ToolOutput(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last non-empty lines of stderr, scrubbed, for an error message.</summary>
    public string Tail(Scrubber scrubber, int lines = 6) =>
        string.Join("\n", Stderr.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).TakeLast(lines).Select(l => "  " + scrubber.Apply(l)));
}

/// <summary>
/// Runs trivy and cosign: arguments as a list (never a shell line), standard input closed (cosign would
/// otherwise prompt for a password), secrets only through the environment of that one child process.
/// </summary>
public static class ToolCommand
{
    public static async Task<ToolOutput> RunAsync(string tool, IEnumerable<string> args, TimeSpan timeout, CancellationToken ct,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var command = Cli.Wrap(tool)
            .WithArguments(args)
            .WithStandardInputPipe(PipeSource.Null)
            .WithValidation(CommandResultValidation.None)
            .WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
            .WithWorkingDirectory(workingDirectory ?? Directory.GetCurrentDirectory());
        try
        {
            var result = await command.ExecuteBufferedAsync(Encoding.UTF8, limit.Token);
            return new ToolOutput(result.ExitCode, result.StandardOutput, result.StandardError);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ToolOutput(124, "", $"{Path.GetFileName(tool)} stopped after {timeout.TotalSeconds:0} s");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SupplyChainException($"cannot run {tool}: {e.Message}. The tools installer puts it in the cache folder's tools/ ($FLEET_CACHE_HOME, else ~/.cache/template-fleet); run the build again to install it.");
        }
    }
}

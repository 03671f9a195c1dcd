using System.Diagnostics;
using TemplateFleet.IntegrationTests.Support;

namespace IntegrationTests.Gates;

/// <summary>
/// Builds the fixture images under Gates/Fixtures with the docker CLI (layer cache makes re-runs cheap).
/// A missing engine fails the tests; it never skips them.
/// </summary>
public sealed class FixtureImages
{
    public const string Healthy = "healthy";
    static readonly SemaphoreSlim Gate = new(1, 1);
    static readonly Dictionary<string, string> Built = [];

    public static string FixturesDirectory => Path.Combine(RepositoryRoot.Path, "tests", "IntegrationTests", "Gates", "Fixtures");

    /// <summary>The image id of a fixture (the healthy one first, the others FROM it).</summary>
    public static async Task<string> GetAsync(string name)
    {
        var healthy = name == Healthy ? null : await GetAsync(Healthy);
        await Gate.WaitAsync();
        try
        {
            if (Built.TryGetValue(name, out var id))
                return id;
            var args = new List<string> { "build", "-q", "-t", $"gates-fixture/{name}:test" };
            args.AddRange(healthy is not null
                ? ["--build-arg", $"FIXTURE_BASE={healthy}"]
                : ["--build-arg", $"OS_IMAGE={await TemplateFleet.IntegrationTests.Support.TestOsImage.EnsureAsync()}"]);
            args.Add(Path.Combine(FixturesDirectory, name));
            id = (await Docker(args)).Trim().Split('\n')[^1];
            Built[name] = id;
            return id;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task<string> Docker(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["DOCKER_BUILDKIT"] = "0";
        psi.Environment["DOCKER_HOST"] = TestEngine.Endpoint.ToString(); // the CLI gets the tests' endpoint explicitly
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the docker CLI");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"docker {string.Join(' ', psi.ArgumentList)} failed ({p.ExitCode}); is the engine running?\n{await stderr}");
        return await stdout;
    }
}

using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Bootstrap;

/// <summary>A copy of the repository compiled once by build.sh; the facts change its sources and ask the bootstraps.</summary>
public sealed class CompiledCopy : IAsyncLifetime
{
    public BootstrapCopy Copy { get; } = new();

    /// <summary>The compile's outcome, asserted by every fact (a fixture that throws hides which one broke).</summary>
    public (int Exit, string Output) FirstRun { get; private set; }

    public async Task InitializeAsync() => FirstRun = await Copy.RunAsync("sh", "stale.first-compile.log", "--help");

    public Task DisposeAsync()
    {
        Copy.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// The bootstraps never run a stale build: a source changed (even keeping its size and modification time), added
/// or deleted is compiled again, by build.sh and by build.ps1; a source touched without a change is not.
/// </summary>
public sealed class StaleBuildTests(CompiledCopy fixture) : IClassFixture<CompiledCopy>
{
    private readonly BootstrapCopy _copy = fixture.Copy;

    private enum Decision { Runs, Compiles }

    /// <summary>
    /// What the bootstrap decides, without waiting for a compile: a compile starts by taking the compile lock,
    /// so with a folder where the lock file goes a bootstrap that wants to compile fails at once naming it, and one
    /// that runs what is compiled never opens it. Either way the compiled build stays as it was.
    /// </summary>
    private async Task<Decision> DecideAsync(string bootstrap, string log)
    {
        Assert.True(fixture.FirstRun.Exit == 0, BuildScript.Tail(fixture.FirstRun.Output));
        var before = _copy.Compiled();
        var lockPath = _copy.Temp("compile.lock");
        File.Delete(lockPath);
        Directory.CreateDirectory(lockPath);
        (int Exit, string Output) run;
        try
        {
            run = await _copy.RunAsync(bootstrap, $"stale.{bootstrap}.{log}.log", "--help");
        }
        finally
        {
            Directory.Delete(lockPath);
        }
        Assert.Equal(before, _copy.Compiled());
        if (run.Exit == 0)
        {
            Assert.Contains("StaleProbe", run.Output);
            return Decision.Runs;
        }
        Assert.Contains("compile.lock", run.Output);
        return Decision.Compiles;
    }

    /// <summary>The listing is kept under the stamp: what a change has to get past (else the content hash decides alone).</summary>
    private void AssertListingKept(string bootstrap)
    {
        var fingerprint = _copy.Temp($"build-{bootstrap}.fingerprint");
        Assert.True(File.Exists(fingerprint), $"{fingerprint} was not written");
        Assert.Equal(File.ReadAllText(_copy.Temp("build.stamp")).Trim(), File.ReadAllText(fingerprint).Split('\n')[0]);
    }

    /// <summary>Seconds resolution and "changed within 2 s" rules: let the last change age before a listing counts.</summary>
    private static Task AgeAsync() => Task.Delay(TimeSpan.FromSeconds(2.2));

    [Theory]
    [InlineData("sh")]
    [InlineData("ps1")]
    public async Task Runs_what_is_compiled_while_nothing_changed(string bootstrap)
    {
        Assert.Equal(Decision.Runs, await DecideAsync(bootstrap, "unchanged"));
        Assert.Equal(Decision.Runs, await DecideAsync(bootstrap, "unchanged-again"));
    }

    [Theory]
    [InlineData("sh")]
    [InlineData("ps1")]
    public async Task Compiles_a_source_changed_in_place_with_its_size_and_time_kept(string bootstrap)
    {
        await AgeAsync();
        Assert.Equal(Decision.Runs, await DecideAsync(bootstrap, "before-change"));
        AssertListingKept(bootstrap);

        _copy.ChangeProbeKeepingSizeAndTime('2');
        try
        {
            Assert.Equal(Decision.Compiles, await DecideAsync(bootstrap, "changed"));
        }
        finally
        {
            _copy.ChangeProbeKeepingSizeAndTime('1');
        }
        // The content is back: the content hash equals the stamp again.
        Assert.Equal(Decision.Runs, await DecideAsync(bootstrap, "changed-back"));
    }

    [Theory]
    [InlineData("sh", "build/Added.cs")]
    [InlineData("ps1", "build/Added.cs")]
    [InlineData("sh", "Directory.Build.targets")]
    [InlineData("ps1", "Directory.Build.targets")]
    public async Task Compiles_when_a_source_is_added(string bootstrap, string added)
    {
        await AgeAsync();
        Assert.Equal(Decision.Runs, await DecideAsync(bootstrap, "before-add"));
        AssertListingKept(bootstrap);
        var path = _copy.Combine(added);
        await File.WriteAllTextAsync(path, added.EndsWith(".cs", StringComparison.Ordinal)
            ? "namespace TemplateFleet;\n\ninternal static class Added\n{\n}\n"
            : "<Project>\n</Project>\n");
        try
        {
            Assert.Equal(Decision.Compiles, await DecideAsync(bootstrap, "added"));
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Equal(Decision.Runs, await DecideAsync(bootstrap, "added-removed"));
    }

    [Theory]
    [InlineData("sh")]
    [InlineData("ps1")]
    public async Task Compiles_when_a_source_is_deleted(string bootstrap)
    {
        await AgeAsync();
        Assert.Equal(Decision.Runs, await DecideAsync(bootstrap, "before-delete"));
        AssertListingKept(bootstrap);
        var probe = _copy.Combine(BootstrapCopy.Probe);
        var aside = Path.Combine(_copy.Root, "StaleProbe.cs.aside");
        File.Move(probe, aside);
        try
        {
            Assert.Equal(Decision.Compiles, await DecideAsync(bootstrap, "deleted"));
        }
        finally
        {
            File.Move(aside, probe);
        }
        Assert.Equal(Decision.Runs, await DecideAsync(bootstrap, "deleted-restored"));
    }

    [Theory]
    [InlineData("sh")]
    [InlineData("ps1")]
    public async Task A_touched_source_is_not_compiled_and_its_new_listing_is_kept(string bootstrap)
    {
        var fingerprint = _copy.Temp($"build-{bootstrap}.fingerprint");
        await AgeAsync();
        Assert.Equal(Decision.Runs, await DecideAsync(bootstrap, "before-touch"));
        var kept = await File.ReadAllTextAsync(fingerprint);
        var stamp = (await File.ReadAllTextAsync(_copy.Temp("build.stamp"))).Trim();
        Assert.Equal(stamp, kept.Split('\n')[0]);

        File.SetLastWriteTimeUtc(_copy.Combine("build", "Build.cs"), DateTime.UtcNow);
        Assert.Equal(Decision.Runs, await DecideAsync(bootstrap, "touched"));
        await AgeAsync();
        Assert.Equal(Decision.Runs, await DecideAsync(bootstrap, "touched-aged"));

        // The touch is in the listing now, under the same stamp: the next call needs no content hash.
        var now = await File.ReadAllTextAsync(fingerprint);
        Assert.NotEqual(kept, now);
        Assert.Equal(stamp, now.Split('\n')[0]);
        Assert.Equal(stamp, (await File.ReadAllTextAsync(_copy.Temp("build.stamp"))).Trim());
    }
}

using TemplateFleet.IntegrationTests.Support;

namespace TemplateFleet.IntegrationTests.Bootstrap;

// Early: the collection's two classes run one after the other (about two minutes); started last, they were the run's tail.
[CollectionDefinition(Name)]
[StartsEarly(6)]
public sealed class BootstrapCollection : ICollectionFixture<BootstrapCopies>
{
    public const string Name = "bootstrap copies";
}

/// <summary>
/// The copies the bootstrap tests compile in (a real compile costs about half a minute of both cores). The copy that
/// SharedBootstrapTests leaves compiled (its last compile by build.sh, run by build.ps1) is handed on to StaleBuildTests,
/// which changes its sources but never compiles; run alone or first (reverse order), StaleBuildTests gets a copy
/// compiled here by build.sh, and SharedBootstrapTests always starts from a fresh one. Each class sees the state it
/// needs in any order; the classes of one collection never run at once.
/// </summary>
public sealed class BootstrapCopies : IDisposable
{
    readonly List<BootstrapCopy> copies = [];
    (BootstrapCopy Copy, (int Exit, string Output) Run)? compiled;

    /// <summary>A copy nothing has compiled in yet.</summary>
    public BootstrapCopy Fresh()
    {
        var copy = new BootstrapCopy();
        copies.Add(copy);
        return copy;
    }

    /// <summary>Hands on <paramref name="copy"/>: a bootstrap compiled its build, and <paramref name="run"/> ran it.</summary>
    public void HandOn(BootstrapCopy copy, (int Exit, string Output) run) => compiled = (copy, run);

    /// <summary>A compiled copy and the run that compiled or ran it: the one handed on, else one build.sh compiles now.</summary>
    public async Task<(BootstrapCopy Copy, (int Exit, string Output) Run)> CompiledAsync()
    {
        if (compiled is null)
        {
            var copy = Fresh();
            HandOn(copy, await copy.RunAsync("sh", "stale.first-compile.log", "--help"));
        }
        return compiled!.Value;
    }

    public void Dispose()
    {
        foreach (var copy in copies)
            copy.Dispose();
    }
}

/// <summary>
/// The bootstraps never run a stale build: a source changed (even keeping its size and modification time), added
/// or deleted is compiled again, by build.sh and by build.ps1; a source touched without a change is not.
/// </summary>
[Collection(BootstrapCollection.Name)]
public sealed class StaleBuildTests(BootstrapCopies copies) : IAsyncLifetime
{
    private BootstrapCopy _copy = null!;
    private (int Exit, string Output) _compiled;

    public async Task InitializeAsync() => (_copy, _compiled) = await copies.CompiledAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private enum Decision { Runs, Compiles }

    /// <summary>
    /// What the bootstrap decides, without waiting for a compile: a compile starts by taking the compile lock,
    /// so with a folder where the lock file goes a bootstrap that wants to compile fails at once naming it, and one
    /// that runs what is compiled never opens it. Either way the compiled build stays as it was.
    /// </summary>
    private async Task<Decision> DecideAsync(string bootstrap, string log)
    {
        Assert.True(_compiled.Exit == 0, BuildScript.Tail(_compiled.Output));
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

        var compiled = _copy.Mark;
        _copy.ChangeProbeKeepingSizeAndTime(compiled == '1' ? '2' : '1');
        try
        {
            Assert.Equal(Decision.Compiles, await DecideAsync(bootstrap, "changed"));
        }
        finally
        {
            _copy.ChangeProbeKeepingSizeAndTime(compiled);
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

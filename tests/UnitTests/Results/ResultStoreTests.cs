using TemplateFleet.Fleet;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.Results;

namespace UnitTests.Results;

public sealed class ResultStoreTests : IDisposable
{
    const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    readonly string dir = Path.Combine(Directory.CreateTempSubdirectory("results-").FullName, "results");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);

    static Pin Pin => new()
    {
        Template = "hermes",
        Image = "127.0.0.1:5000/molecule-fleet/hermes",
        Digest = Digest,
        Inputs = Digest,
        RuntimeVersion = Pep440Version.Parse("1.0.0"),
        Revision = "abc",
        PublishedAt = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Each_record_is_one_file_that_a_later_job_reads_back()
    {
        var store = ResultStore.StartRun(dir);
        store.Write(new RunRecord("run-1", "molecule-ai-workspace-runtime", Pep440Version.Parse("1.0.0"), "parameter", true, "abc", "abc", ["hermes"], "127.0.0.1:5000", "templates", DateTimeOffset.UnixEpoch));
        store.Write(new BaseResult(BaseStatus.Pulled, Digest, $"127.0.0.1:5000/molecule-fleet/base@{Digest}", null, "debootstrap:bookworm", "--base-image", [], null, TimeSpan.FromSeconds(1.5), null));
        store.Write(new BuildResult("hermes", BuildStatus.Built, Digest, ["molecule-fleet/hermes:1.0.0"], Digest, $"127.0.0.1:5000/molecule-fleet/base@{Digest}", "output/logs/hermes.build.log", TimeSpan.FromSeconds(12.3456), null));
        store.Write(new GateResult("t4", "hermes", "privileged", ["SYS_RESOURCE"], [new CheckResult { Id = "sudo_nopasswd", Description = "sudo", Passed = true, ExitCode = 0 }], null, TimeSpan.FromSeconds(2)));
        store.Write(new PublishResult("hermes", PublishStatus.Published, "published", Pin, "templates/hermes/pin.json", ["127.0.0.1:5000/molecule-fleet/hermes:1.0.0"]));

        Assert.Equal(["base.json", "build/hermes.json", "publish/hermes.json", "run.json", "t4/hermes.json"],
            Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/')).Order());
        var later = ResultStore.Open(dir);
        Assert.Equal(Pep440Version.Parse("1.0.0"), later.Run!.RuntimeVersion);
        Assert.Equal(BaseStatus.Pulled, later.Base!.Status);
        Assert.Equal($"127.0.0.1:5000/molecule-fleet/base@{Digest}", later.BaseReference);
        var build = later.Build("hermes")!;
        Assert.Equal((BuildStatus.Built, Digest, 12.346), (build.Status, build.ImageId, Math.Round(build.Duration.TotalSeconds, 3)));
        Assert.True(later.Gate("t4", "hermes")!.Passed);
        Assert.Equal(Pin, later.Publish("hermes")!.Pin);
        Assert.Null(later.Publish("codex"));
        Assert.Contains("\"status\": \"built\"", File.ReadAllText(Path.Combine(dir, "build", "hermes.json")));
        Assert.Contains("\"duration\": 12.346", File.ReadAllText(Path.Combine(dir, "build", "hermes.json")));
    }

    [Fact]
    public void A_record_is_written_once()
    {
        var store = ResultStore.StartRun(dir);
        var result = new BuildResult("hermes", BuildStatus.Failed, null, [], null, null, null, TimeSpan.Zero, "exit 1");
        store.Write(result);

        Assert.Throws<InvalidOperationException>(() => store.Write(result with { Status = BuildStatus.Built }));
        Assert.Equal(BuildStatus.Failed, ResultStore.Open(dir).Build("hermes")!.Status);
        Assert.Throws<InvalidOperationException>(() => ResultStore.Open(dir).Write(result)); // another run's records are read-only
    }

    [Fact]
    public void A_new_run_starts_with_an_empty_folder()
    {
        ResultStore.StartRun(dir).Write(new BuildResult("hermes", BuildStatus.Built, Digest, [], null, null, null, TimeSpan.Zero, null));

        var next = ResultStore.StartRun(dir);

        Assert.Null(next.Build("hermes"));
        Assert.Empty(Directory.GetFiles(dir, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_record_cut_off_or_with_an_unknown_key_names_its_file()
    {
        Directory.CreateDirectory(Path.Combine(dir, "build"));
        File.WriteAllText(Path.Combine(dir, "build", "hermes.json"), "{\"template\": \"hermes\", \"status\": \"bui");
        File.WriteAllText(Path.Combine(dir, "build", "codex.json"),
            "{\"template\": \"codex\", \"status\": \"built\", \"imageId\": null, \"tags\": [], \"inputs\": null, \"base\": null, \"logFile\": null, \"duration\": 1, \"failure\": null, \"colour\": 1}");
        var store = ResultStore.Open(dir);

        var cut = Assert.Throws<FleetException>(() => store.Build("hermes"));
        var unknown = Assert.Throws<FleetException>(() => store.Build("codex"));

        Assert.StartsWith(Path.Combine(dir, "build", "hermes.json") + ": not a valid BuildResult", cut.Message);
        Assert.Contains("colour", unknown.Message);
    }
}

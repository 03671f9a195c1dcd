using System.Text.Json.Nodes;
using TemplateFleet.Forges;
using TemplateFleet.PackageIndex;
using TemplateFleet.Pins;
using TemplateFleet.PullRequests;
using TemplateFleet.Results;

namespace UnitTests.Forges;

/// <summary>One forge fake (Gitea of a version, or GitHub) with the options and proposals the tests use.</summary>
public sealed class ForgeUnderTest : IDisposable
{
    /// <summary>Gitea's oldest supported version, the last one before force_push, force_push's first, and GitHub.</summary>
    public static TheoryData<string> All => ["gitea 1.20.0", "gitea 1.25.2", "gitea 1.26.0", "github"];

    public static TheoryData<string> Gitea => ["gitea 1.20.0", "gitea 1.26.0"];

    public static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    public ForgeUnderTest(string forge)
    {
        Name = forge;
        Fake = forge == "github" ? new FakeGitHub() : new FakeGitea(forge.Split(' ')[1]);
        UnrelatedAtStart = Fake.Pull(1);
    }

    public string Name { get; }

    public GitBackedForge Fake { get; }

    public bool IsGitea => Fake is FakeGitea;

    public string BotToken => Fake.Tokens.Bot;

    public ForgeOptions Options(string? token = null, string repository = $"{GitBackedForge.Owner}/{GitBackedForge.Repo}", ForgeKind? kind = null, string? baseBranch = null) => new()
    {
        ApiUrl = Fake.ApiUrl,
        Repository = repository,
        Token = token ?? BotToken,
        Kind = kind,
        BaseBranch = baseBranch,
    };

    /// <summary>A connection to the fake, closed with it.</summary>
    public async Task<IForge> OpenAsync(string? token = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var forge = await Options(token).OpenAsync(environment ?? NoEnvironment, CancellationToken.None);
        opened.Add(forge);
        return forge;
    }

    public async Task<PinProposer> ProposerAsync() => new(await OpenAsync());

    readonly List<IForge> opened = [];

    /// <summary>A proposal for <paramref name="version"/> with a pin per published template and the others kept with a reason.</summary>
    public static ReleaseProposal Proposal(string version, string[] published, params (string Template, string Reason)[] kept) =>
        Proposal(version, [.. published.Select(t => Published(PinOf(version, t))), .. kept.Select(k => Kept(k.Template, k.Reason))]);

    public static ReleaseProposal Proposal(string version, IReadOnlyList<ReleasedTemplate> templates, string? release = null)
    {
        var runtime = Pep440Version.Parse(version);
        var key = release is null ? ProposalKey.Runtime(runtime) : ProposalKey.Release(release);
        return new ReleaseProposal(key, "molecule-ai-workspace-runtime", runtime, "c0ffee1", null, templates, []);
    }

    /// <summary>Published after both gates passed (5 smoke checks, 10 T4 probes, privileged), over the pin the base branch holds.</summary>
    public static ReleasedTemplate Published(Pin pin, string? pinFile = null) =>
        new(new PublishResult(pin.Template, PublishStatus.Published, "published", pin, pinFile ?? $"templates/{pin.Template}/pin.json", []),
            OldPin(pin.Template), "1.0.0", Gate("smoke", pin.Template, 5), Gate("t4", pin.Template, 10));

    public static ReleasedTemplate Kept(string template, string reason) =>
        new(new PublishResult(template, PublishStatus.NotPublished, reason, null, $"templates/{template}/pin.json", []), OldPin(template), "1.0.0", null, null);

    /// <summary>A gate's result with <paramref name="passed"/> passing checks and the <paramref name="failed"/> ones.</summary>
    public static GateResult Gate(string gate, string template, int passed, params string[] failed) =>
        new(gate, template, "privileged", [],
            [
                .. Enumerable.Range(0, passed).Select(i => new CheckResult { Id = $"ok-{i}", Description = "ok", Passed = true }),
                .. failed.Select(id => new CheckResult { Id = id, Description = id, Passed = false }),
            ], null, TimeSpan.Zero);

    public static Pin PinOf(string version, string template, string? digest = null) => new()
    {
        Template = template,
        Image = $"127.0.0.1:5000/molecule-fleet/{template}",
        Digest = digest ?? Digest(version, template),
        RuntimeVersion = Pep440Version.Parse(version),
        Revision = "c0ffee1",
        PublishedAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>The pin the base branch holds for the fake's hermes ('1…') and codex ('2…').</summary>
    public static Pin OldPin(string template) => PinOf("1.0.0", template, "sha256:" + new string(template == "codex" ? '2' : '1', 64));

    public static string Digest(string version, string template) => "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(version + template)));

    public static string PinContent(string version, string template) => PinFile.Serialize(PinOf(version, template));

    /// <summary>The unrelated pull request #1 exactly as the fake started with it.</summary>
    public JsonObject UnrelatedAtStart { get; }

    public void AssertUnrelatedUntouched()
    {
        var now = Fake.Pull(1);
        foreach (var key in new[] { "title", "body", "state" })
            Assert.Equal(UnrelatedAtStart[key]!.ToJsonString(), now[key]!.ToJsonString());
        Assert.Equal(UnrelatedAtStart["head"]!["sha"]!.GetValue<string>(), now["head"]!["sha"]!.GetValue<string>());
        Assert.DoesNotContain(Fake.Writes, r => r.Path.EndsWith("/pulls/1", StringComparison.Ordinal) || r.Path.Contains(GitBackedForge.UnrelatedBranch, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        foreach (var forge in opened)
            forge.Dispose();
        Fake.Dispose();
    }
}

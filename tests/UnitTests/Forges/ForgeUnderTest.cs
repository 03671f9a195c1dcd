using System.Text.Json.Nodes;
using TemplateFleet.Forges;
using TemplateFleet.PullRequests;

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
        var forge = await ForgeConnection.OpenAsync(Options(token), environment ?? NoEnvironment, CancellationToken.None);
        opened.Add(forge);
        return forge;
    }

    public async Task<PinProposer> ProposerAsync() => new(await OpenAsync());

    readonly List<IForge> opened = [];

    /// <summary>A proposal for <paramref name="version"/> with a pin per published template and the others kept with a reason.</summary>
    public static PinProposal Proposal(string version, string[] published, params (string Template, string Reason)[] kept)
    {
        var templates = published.Select(t => new TemplateProposal(t, "sha256:" + new string('1', 64), Digest(version, t),
                Image: $"127.0.0.1:5000/molecule-fleet/{t}", AgentVersion: "1.0.0", Smoke: new GateTotals(5, 0), T4: new GateTotals(10, 0), ProvisionerShape: "privileged"))
            .Concat(kept.Select(k => new TemplateProposal(k.Template, "sha256:" + new string('2', 64), null, KeptReason: k.Reason)))
            .ToList();
        var files = published.Select(t => new PinFileChange($"templates/{t}/pin.json", PinContent(version, t))).ToList();
        return new PinProposal("molecule-ai-workspace-runtime", version, templates, files, SourceRevision: "c0ffee1");
    }

    public static string Digest(string version, string template) => "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(version + template)));

    public static string PinContent(string version, string template) =>
        $"{{\"schemaVersion\": 2, \"digest\": \"{Digest(version, template)}\", \"runtimeVersion\": \"{version}\"}}\n";

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

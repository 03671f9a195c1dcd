using System.Net;
using System.Net.Sockets;
using TemplateFleet.Forges;
using TemplateFleet.Forges.Gitea;
using TemplateFleet.Forges.GitHub;
using TemplateFleet.PackageIndex;
using TemplateFleet.PullRequests;

namespace UnitTests.Forges;

/// <summary>Everything that must fail before anything is built or pushed, each in one line, the token never shown.</summary>
public sealed class PreflightTests
{
    static readonly CancellationToken None = CancellationToken.None;

    static async Task<ForgeException> RefusedAsync(ForgeUnderTest f, Func<Task> preflight)
    {
        var e = await Assert.ThrowsAsync<ForgeException>(preflight);
        foreach (var secret in new[] { f.Fake.Tokens.Bot, f.Fake.Tokens.Reader, f.Fake.Tokens.Actions, "wrong-token-1234567890" })
        {
            Assert.DoesNotContain(secret, e.Message);
            Assert.DoesNotContain(secret, e.ToString());
        }
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(f.Fake.Writes);
        return e;
    }

    static async Task PreflightAsync(ForgeUnderTest f, ForgeOptions options, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var forge = await options.OpenAsync(environment ?? ForgeUnderTest.NoEnvironment, None);
        await new PinProposer(forge, options.BaseBranch).PreflightAsync(ProposalKey.Runtime(Pep440Version.Parse("1.2.0")), None);
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task A_good_token_passes_and_the_forge_is_detected(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        using var opened = await f.OpenAsync();
        var readiness = await new PinProposer(opened).PreflightAsync(ProposalKey.Runtime(Pep440Version.Parse("1.2.0")), None);

        Assert.IsType(f.IsGitea ? typeof(GiteaForge) : typeof(GitHubForge), opened);
        Assert.Equal("fleet-bot", readiness.User);
        Assert.Equal("main", readiness.BaseBranch);
        Assert.Equal(f.Fake.BaseSha, readiness.BaseSha);
        Assert.Equal(CascadeState.NotStarted, readiness.Cascade!.State);
        if (f.IsGitea)
            Assert.Contains(forge.Split(' ')[1], opened.Description);
        Assert.Empty(f.Fake.Writes);
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task A_refused_token_is_a_401_line_without_the_token(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var e = await RefusedAsync(f, () => PreflightAsync(f, f.Options("wrong-token-1234567890")));
        Assert.Contains("refused the token (HTTP 401", e.Message);
        Assert.Contains("FORGE_TOKEN", e.Message);
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task A_missing_repository_is_named(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var e = await RefusedAsync(f, () => PreflightAsync(f, f.Options(repository: "molecule/no-such-fleet")));
        Assert.Contains("molecule/no-such-fleet was not found", e.Message);
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task A_token_without_push_is_refused(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var e = await RefusedAsync(f, () => PreflightAsync(f, f.Options(f.Fake.Tokens.Reader)));
        Assert.Contains("reader may not push to molecule/template-fleet", e.Message);
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task The_runners_automatic_token_is_refused_by_what_the_forge_says_of_it(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var e = await RefusedAsync(f, () => PreflightAsync(f, f.Options(f.Fake.Tokens.Actions)));
        Assert.Contains("runner's automatic Actions token", e.Message);
        Assert.Contains(f.IsGitea ? "gitea-actions" : "installation token", e.Message);
    }

    [Theory]
    [InlineData("GITHUB_TOKEN")]
    [InlineData("GITEA_TOKEN")]
    public async Task A_token_that_is_the_runners_token_variable_is_refused_before_any_request(string variable)
    {
        using var f = new ForgeUnderTest("gitea 1.24.3");
        var environment = new Dictionary<string, string> { [variable] = f.BotToken };
        var e = await RefusedAsync(f, () => PreflightAsync(f, f.Options(), environment));
        Assert.Contains($"the value of {variable}", e.Message);
        Assert.Empty(f.Fake.Requests);
    }

    [Theory]
    [MemberData(nameof(ForgeUnderTest.All), MemberType = typeof(ForgeUnderTest))]
    public async Task A_missing_base_branch_is_named(string forge)
    {
        using var f = new ForgeUnderTest(forge);
        var e = await RefusedAsync(f, () => PreflightAsync(f, f.Options(baseBranch: "release")));
        Assert.Contains("base branch release does not exist", e.Message);
    }

    [Fact]
    public async Task An_unreachable_forge_is_one_line_naming_the_url()
    {
        var port = ClosedPort();
        var options = new ForgeOptions { ApiUrl = new Uri($"http://127.0.0.1:{port}/api/v1"), Repository = "molecule/template-fleet", Token = "secret-token-value" };
        var e = await Assert.ThrowsAsync<ForgeException>(() => options.OpenAsync(ForgeUnderTest.NoEnvironment, None));
        Assert.Contains($"cannot reach the forge at http://127.0.0.1:{port}/api/v1/", e.Message);
        Assert.DoesNotContain("secret-token-value", e.ToString());
    }

    [Fact]
    public async Task Gitea_older_than_1_20_is_refused_with_the_version_it_reported()
    {
        using var f = new ForgeUnderTest("gitea 1.19.4");
        var e = await Assert.ThrowsAsync<ForgeException>(() => f.OpenAsync());
        Assert.Contains("Gitea 1.19.4", e.Message);
        Assert.Contains("1.20 or later", e.Message);
        Assert.Empty(f.Fake.Writes);
    }

    [Fact]
    public async Task A_url_that_is_neither_forge_is_refused_and_a_named_kind_is_not_guessed()
    {
        using var gitea = new ForgeUnderTest("gitea 1.24.3");
        var wrongPath = new ForgeOptions { ApiUrl = gitea.Fake.Root, Repository = "molecule/template-fleet", Token = gitea.BotToken };
        Assert.Contains("answers neither as Gitea", (await Assert.ThrowsAsync<ForgeException>(() => wrongPath.OpenAsync(ForgeUnderTest.NoEnvironment, None))).Message);

        using var github = new ForgeUnderTest("github");
        var e = await Assert.ThrowsAsync<ForgeException>(() => github.Options(kind: ForgeKind.Gitea).OpenAsync(ForgeUnderTest.NoEnvironment, None));
        Assert.Contains("does not answer GET /version as Gitea does", e.Message);
        github.Fake.ClearRequests();
        using var named = await github.Options(kind: ForgeKind.GitHub).OpenAsync(ForgeUnderTest.NoEnvironment, None);
        Assert.IsType<GitHubForge>(named);
        Assert.DoesNotContain(github.Fake.Requests, r => r.Path.EndsWith("/version", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_never_print_the_token()
    {
        var options = new ForgeOptions { ApiUrl = new Uri("https://git.example/api/v1"), Repository = "a/b", Token = "tok-secret-123" };
        Assert.DoesNotContain("tok-secret-123", options.ToString());
        Assert.Contains("token=***", options.ToString());
    }

    [Theory]
    [InlineData("1.24.3", "1.24.3")]
    [InlineData("1.26.0+dev-12-gabcdef0", "1.26.0")]
    [InlineData("1.22.0-rc1", "1.22.0")]
    [InlineData("11.0.1+gitea-1.22.0", "1.22.0")]
    public void Gitea_versions_are_read_as_gitea_reports_them(string reported, string number)
    {
        Assert.Equal(Version.Parse(number), GiteaVersion.Parse(reported).Number);
        Assert.Equal(reported, GiteaVersion.Parse(reported).ToString());
    }

    [Theory]
    [InlineData("gitea", ForgeKind.Gitea)]
    [InlineData("GitHub", ForgeKind.GitHub)]
    [InlineData("", null)]
    [InlineData("auto", null)]
    public void The_forge_kind_parameter_is_gitea_github_or_detect(string value, ForgeKind? kind)
    {
        Assert.Equal(kind, ForgeOptions.ParseKind(value));
        Assert.Contains("gitea or github", Assert.Throws<ForgeException>(() => ForgeOptions.ParseKind("gitlab")).Message);
    }

    static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

using System.Security.Cryptography;
using TemplateFleet.IntegrationTests.Support;

namespace IntegrationTests.SupplyChain;

/// <summary>
/// As a new user would try it: a template's Dockerfile gets a RUN step that writes a GitLab token into a file, and
/// ./build.sh Publish runs. The change is scanned before anything is built: the run stops with exit 1, the masked
/// finding (file, line, rule) and what to do; no build step ran, so none printed the token, and the token is in
/// no output and no file the run wrote. A copy of this checkout with the change as its own commit, built by this
/// checkout's build (--root).
/// </summary>
public sealed class ChangeScanFirstTests : IAsyncLifetime
{
    readonly string scratch = Directory.CreateTempSubdirectory("change-first-").FullName;
    string repository = "";

    public async Task InitializeAsync()
    {
        repository = await RepositoryCopy.MakeAsync(scratch);
        await Git.RunAsync(repository, "checkout", "--quiet", "-b", "deploy-token");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(scratch, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_token_a_RUN_step_would_write_stops_Publish_before_anything_is_built_and_is_in_no_output()
    {
        var token = "glpat" + "-" + new string(RandomNumberGenerator.GetItems<char>("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 20));
        var dockerfile = Path.Combine(repository, "templates", "hermes", "Dockerfile");
        var lines = File.ReadAllLines(dockerfile).ToList();
        lines.Add($"RUN echo \"{token}\" > /etc/deploy-token");
        File.WriteAllLines(dockerfile, lines);
        await Git.CommitAsync(repository, "hermes: a deploy token");

        var port = global::IntegrationTests.Publishing.RegistryFixture.FreePort();
        var (exit, output) = await BuildScript.RunAsync("change-scan-first.log", repository, new Dictionary<string, string>(),
            "--root", repository, "Publish", "--templates", "hermes", "--registry", $"127.0.0.1:{port}");

        Assert.True(exit == 1, $"./build.sh Publish exited {exit}, not 1\n{BuildScript.Tail(output, 40)}");
        Assert.Contains("the change: refused: 1 credential-shaped string found:", output);
        Assert.Contains($"change (commit ", output);
        Assert.Contains($"templates/hermes/Dockerfile:{lines.Count}: gitlab-pat (GitLab personal access token) `RUN echo \"*****\" > /etc/deploy-token`", output);
        Assert.Contains("Remove the credential from the image and the change", output);
        Assert.Contains("Nothing was built or pushed.", output);
        // Before anything was built: no build step ran, no base was settled.
        Assert.DoesNotContain("Step 1/", output);
        Assert.Matches(@"BuildBase\s+NotRun", output);
        Assert.DoesNotContain(token[6..], output);
        var written = Path.Combine(repository, "output");
        foreach (var file in Directory.Exists(written) ? Directory.EnumerateFiles(written, "*", SearchOption.AllDirectories) : [])
            Assert.False((await File.ReadAllTextAsync(file)).Contains(token[6..], StringComparison.Ordinal), $"{file} holds the token");
    }
}

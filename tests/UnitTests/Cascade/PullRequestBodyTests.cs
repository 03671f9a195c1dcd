using TemplateFleet.Cascade;

namespace UnitTests.Cascade;

public sealed class PullRequestBodyTests
{
    [Fact]
    public void Body_is_a_table_with_digests_and_reasons()
    {
        using var c = new CascadeRun();
        c.Published("claude-code");
        c.Kept("codex", "T4 conformance failed: docker_socket_reachable | pid_host_visible\nsecond line");

        var body = PullRequestBody.Render(c.Context, c.Run);

        Assert.Equal($"""
            Runtime `molecule-ai-workspace-runtime` **1.2.0**, built from c0ffee1 (run run-1).

            | template | pin |
            | --- | --- |
            | claude-code | `127.0.0.1:5000/molecule-fleet/claude-code@{CascadeRun.Digest}` |
            | codex | kept old pin: T4 conformance failed: docker_socket_reachable \| pid_host_visible second line |
            | hermes | kept old pin: Publish did not run |

            2 template(s) kept their old pin; they are retried on the next run for this version.

            """.ReplaceLineEndings("\n"), body);
    }

    [Fact]
    public void Title_and_branch_name_carry_the_version()
    {
        Assert.Equal("Bump workspace runtime to 1.2.0", PullRequestBody.Title("1.2.0"));
        Assert.Equal("cascade/runtime-1.2.0", PullRequestBody.BranchName("1.2.0"));
    }

    [Fact]
    public void Pin_bump_carries_only_published_pins_with_repository_paths()
    {
        using var c = new CascadeRun();
        c.Published("codex");
        c.Kept("hermes", "Smoke failed: cli-version");

        var bump = PinBump.FromRun(c.Context, c.Run);

        var change = Assert.Single(bump.Changes);
        Assert.Equal("templates/codex/pin.json", change.Path);
        Assert.Contains(CascadeRun.Digest, change.Content);
        Assert.Equal("cascade/runtime-1.2.0", bump.Branch);
    }
}

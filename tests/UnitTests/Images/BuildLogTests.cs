using TemplateFleet.Images;

namespace TemplateFleet.UnitTests.Images;

public sealed class BuildLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fleet-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Joins_fragments_into_lines_tracks_the_step_and_keeps_the_tail()
    {
        var path = Path.Combine(_dir, "logs", "codex.build.log");
        var log = new BuildLog("codex", path);
        log.Append("Step 1/3 : FROM x\n ---> abc\nStep 2/3 : RUN npm ");
        log.Append("install -g @openai/codex@1\n");
        for (var i = 0; i < 30; i++)
        {
            log.Append($"line {i}\r\n");
        }

        log.Line("ERROR: boom");
        log.Append("no newline at the end");
        log.Dispose();

        Assert.Equal("Step 2/3 : RUN npm install -g @openai/codex@1", log.CurrentStep);
        Assert.Equal(BuildLog.TailLines, log.Tail.Count);
        Assert.Equal("no newline at the end", log.Tail[^1]);
        Assert.Equal("ERROR: boom", log.Tail[^2]);
        var lines = File.ReadAllLines(path);
        Assert.Equal(35, lines.Length);
        Assert.Equal("Step 2/3 : RUN npm install -g @openai/codex@1", lines[2]);
    }

    [Fact]
    public void Failure_message_names_template_step_error_and_log()
    {
        var result = new ImageBuildResult("codex", null, "exit code 127", "Step 7/15 : RUN npm install -g x", ["a", "b"], "/logs/codex.build.log", TimeSpan.Zero);
        Assert.False(result.Succeeded);
        Assert.Contains("'codex'", result.FailureMessage);
        Assert.Contains("Step 7/15 : RUN npm install -g x", result.FailureMessage);
        Assert.Contains("exit code 127", result.FailureMessage);
        Assert.Contains("/logs/codex.build.log", result.FailureMessage);
        Assert.Contains("    a\n    b", result.FailureMessage);
    }
}

using TemplateFleet.Fleet;
using TemplateFleet.Gates;

namespace UnitTests.Gates;

public sealed class SmokeJudgesTests
{
    static ExecOutcome Stat(string line) => new(0, line + "\n", "", false, TimeSpan.Zero);

    [Fact]
    public void File_check_compares_owner_mode_and_type()
    {
        var check = new FileCheck("/etc/sudoers.d/agent-t4", "root", "0440", FileType.File);
        Assert.Null(SmokeGate.JudgeFile(check, Stat("root 440 regular file")));
        Assert.Equal("/etc/sudoers.d/agent-t4: mode is 0644, expected 0440", SmokeGate.JudgeFile(check, Stat("root 644 regular file")));
        Assert.Equal("/etc/sudoers.d/agent-t4: owner is agent, expected root; is a directory, expected a file",
            SmokeGate.JudgeFile(check, Stat("agent 440 directory")));
    }

    [Fact]
    public void Missing_file_is_named() =>
        Assert.StartsWith("/agent-home is missing", SmokeGate.JudgeFile(new FileCheck("/agent-home", "agent", null, FileType.Directory),
            new ExecOutcome(1, "", "stat: cannot statx '/agent-home': No such file or directory", false, TimeSpan.Zero)));

    [Fact]
    public void Health_version_mismatch_names_both_versions()
    {
        var reason = SmokeGate.JudgeHealth("""{"status":"ok","version":"0.9.0","adapter":"codex"}""", "1.0.0", "codex");
        Assert.Equal("runtime version is 0.9.0, expected 1.0.0 (a cached pip layer, or the wrong RUNTIME_VERSION build arg?)", reason);
    }

    [Fact]
    public void Health_adapter_and_status_are_checked()
    {
        Assert.Null(SmokeGate.JudgeHealth("""{"status":"ok","version":"1.0.0","adapter":"codex","development":true}""", "1.0.0", "codex"));
        Assert.Contains("adapter is 'hermes', expected 'codex'", SmokeGate.JudgeHealth("""{"status":"ok","version":"1.0.0","adapter":"hermes"}""", "1.0.0", "codex"));
        Assert.Contains("did not return JSON", SmokeGate.JudgeHealth("<html>", "1.0.0", "codex"));
    }
}

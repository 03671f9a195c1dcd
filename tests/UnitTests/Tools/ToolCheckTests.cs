using TemplateFleet.Files;
using TemplateFleet.Tools;

namespace UnitTests.Tools;

/// <summary>The parts of an install that need no network: the lock and the check of the installed binary.</summary>
public sealed class ToolCheckTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tool-check-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Script(string body)
    {
        var path = Path.Combine(_folder, "fake-tool");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    private static ToolPin Pin(string expect) =>
        new("fake", "1.2.3", new ToolSource("npm", "fake", "1.2.3"), "fake-tool", new ToolCheck(["--version"], expect), 7);

    [Fact]
    public async Task A_binary_that_prints_the_expected_version_passes()
    {
        var binary = Script("echo \"fake version $1 1.2.3\"");

        await ToolInstaller.CheckAsync(Pin("version --version 1.2.3"), binary, "tools.yaml:7", CancellationToken.None);
    }

    [Fact]
    public async Task A_binary_still_open_for_writing_runs_once_the_writer_has_closed_it()
    {
        // As when another thread forks while the file is open (ETXTBSY until that child's exec): seen as a flake here.
        var binary = Script("echo 'fake version 1.2.3'");
        var writer = new FileStream(binary, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        var closing = Task.Delay(300).ContinueWith(_ => writer.Dispose(), TaskScheduler.Default);

        await ToolInstaller.CheckAsync(Pin("version 1.2.3"), binary, "tools.yaml:7", CancellationToken.None);
        await closing;
    }

    [Fact]
    public async Task A_binary_that_prints_another_version_fails_naming_tool_command_and_output()
    {
        var binary = Script("echo 'fake version 1.2.4'");

        var e = await Assert.ThrowsAsync<ToolException>(() => ToolInstaller.CheckAsync(Pin("version 1.2.3"), binary, "tools.yaml:7", CancellationToken.None));

        Assert.Equal("fake 1.2.3: `fake-tool --version` ran but did not print 'version 1.2.3' (tools.yaml:7: 'check'); nothing was installed. Its output:\n  fake version 1.2.4", e.Message);
    }

    [Fact]
    public async Task A_binary_that_cannot_run_here_fails_with_its_exit_code()
    {
        var binary = Script("echo 'error while loading shared libraries: libc.so.6: version GLIBC_2.38 not found' >&2; exit 1");

        var e = await Assert.ThrowsAsync<ToolException>(() => ToolInstaller.CheckAsync(Pin("1.2.3"), binary, "tools.yaml:7", CancellationToken.None));

        Assert.Contains("`fake-tool --version` failed (exit 1)", e.Message);
        Assert.Contains("GLIBC_2.38 not found", e.Message);
    }

    [Fact]
    public async Task A_missing_binary_names_the_binary_setting()
    {
        var e = await Assert.ThrowsAsync<ToolException>(() => ToolInstaller.CheckAsync(Pin("1.2.3"), Path.Combine(_folder, "nothing"), "tools.yaml:7", CancellationToken.None));

        Assert.Equal("fake 1.2.3: the install has no fake-tool (tools.yaml:7: 'binary'); fix the path there.", e.Message);
    }

    [Fact]
    public async Task The_lock_makes_a_second_holder_wait_until_the_first_lets_go()
    {
        var path = Path.Combine(_folder, ".lock");
        var first = await FileLock.AcquireAsync(path, "installing fake 1.2.3", TimeSpan.FromSeconds(5), CancellationToken.None);

        var second = FileLock.AcquireAsync(path, "installing fake 1.2.3", TimeSpan.FromSeconds(5), CancellationToken.None);
        await Task.Delay(600);
        Assert.False(second.IsCompleted);
        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task A_lock_held_past_the_timeout_fails_saying_what_waited()
    {
        var path = Path.Combine(_folder, ".lock");
        using var held = await FileLock.AcquireAsync(path, "installing fake 1.2.3", TimeSpan.FromSeconds(5), CancellationToken.None);

        var e = await Assert.ThrowsAsync<ToolException>(() => FileLock.AcquireAsync(path, "installing fake 1.2.3", TimeSpan.FromMilliseconds(300), CancellationToken.None));

        Assert.Equal($"another build held {path} for 0 s while installing fake 1.2.3; let it finish (or end it) and run this build again.", e.Message);
    }

    [Fact]
    public async Task The_lock_is_the_one_flock_takes_in_the_shell_scripts()
    {
        // build.sh and the scripts take their locks with flock(1): a lock held there must hold here too.
        var path = Path.Combine(_folder, ".lock");
        using var flock = System.Diagnostics.Process.Start("flock", [path, "sleep", "3"]);
        await Task.Delay(500);

        await Assert.ThrowsAsync<ToolException>(() => FileLock.AcquireAsync(path, "installing fake 1.2.3", TimeSpan.FromMilliseconds(300), CancellationToken.None));
        await flock.WaitForExitAsync();
    }
}

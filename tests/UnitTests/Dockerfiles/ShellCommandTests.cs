using TemplateFleet.Dockerfiles;

namespace UnitTests.Dockerfiles;

public sealed class ShellCommandTests
{
    [Fact]
    public void Splits_on_operators_and_removes_quotes()
    {
        var commands = ShellCommand.Split("set -eux; A=1 sudo npm install -g \"@a/b@${V}\" && echo 'x && y' | tee $(echo a; echo b) || true");

        Assert.Equal(5, commands.Count);
        Assert.Equal(["npm", "install", "-g", "@a/b@${V}"], commands[1].Program.Select(w => w.Text));
        Assert.Equal(["echo", "x && y"], commands[2].Program.Select(w => w.Text));
        Assert.True(commands[2].PipesIntoNext);
        Assert.Equal(["tee", "$(echo a; echo b)"], commands[3].Program.Select(w => w.Text));
        Assert.Equal("true", commands[4].Name);
    }

    [Fact]
    public void Words_know_their_offsets_and_redirections_are_dropped()
    {
        const string script = "pip install x==1 2>/dev/null";
        var command = Assert.Single(ShellCommand.Split(script));

        Assert.Equal(["pip", "install", "x==1"], command.Program.Select(w => w.Text));
        Assert.Equal(script.IndexOf("x==1", StringComparison.Ordinal), command.Program[2].Offset);
    }
}

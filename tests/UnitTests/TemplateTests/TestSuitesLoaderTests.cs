using TemplateFleet.Fleet;
using UnitTests.Fleet;

namespace UnitTests.TemplateTests;

/// <summary>template.yaml and fleet.yaml `tests`: what the loader makes of them, and each bad input as file:line:column.</summary>
public sealed class TestSuitesLoaderTests : IDisposable
{
    private readonly TempRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private string LoadFleetError() => Assert.Throws<FleetException>(() => FleetLoader.LoadFleet(_repo.Root)).Message;

    private string LoadTemplateError(string name) =>
        Assert.Throws<FleetException>(() => FleetLoader.LoadTemplates(FleetLoader.LoadFleet(_repo.Root), [name])).Message;

    [Fact]
    public void The_repository_declares_every_templates_tests_and_the_fleets_suites()
    {
        var fleet = FleetLoader.LoadFleet(_repo.Root);
        var tests = fleet.Tests!;
        Assert.Equal(Path.Combine(_repo.Root, "templates", "test-tools"), tests.ToolsFolder);
        Assert.Equal("7.2.1-2", tests.Pytest);
        Assert.Equal([("base/tests/adapter", "agent"), ("base/tests/askpass", "agent"), ("base/tests/entrypoint", "root")],
            tests.Suites.Select(s => (s.Name, s.User)));
        foreach (var template in FleetLoader.LoadTemplates(fleet, fleet.TemplateNames))
        {
            var suite = template.Tests!;
            Assert.Equal(($"{template.Name}/tests", "agent", Path.Combine(template.Directory, "tests")), (suite.Name, suite.User, suite.Folder));
            Assert.InRange(suite.TimeoutSeconds, 1, 300);
        }
    }

    [Fact]
    public void User_and_timeout_have_defaults()
    {
        _repo.Replace("templates/codex/template.yaml", "  user: agent                       # the adapter runs as agent in production\n  timeoutSeconds: 120\n", "");
        var codex = FleetLoader.LoadTemplate(FleetLoader.LoadFleet(_repo.Root), "codex");
        Assert.Equal(("agent", 120), (codex.Tests!.User, codex.Tests.TimeoutSeconds));
    }

    [Fact]
    public void A_tests_folder_that_does_not_exist_names_file_line_column()
    {
        _repo.Replace("templates/codex/template.yaml", "  folder: tests ", "  folder: test  ");
        Assert.Matches(@"^templates/codex/template\.yaml:\d+:11: 'tests\.folder' names templates/codex/test/, which does not exist; create it or fix the path$",
            LoadTemplateError("codex"));
    }

    [Theory]
    [InlineData("tests: tests\n", "'tests' must be a mapping, got a scalar")]
    [InlineData("tests: [tests]\n", "'tests' must be a mapping, got a list")]
    [InlineData("tests:\n  folder: [tests]\n", "'tests.folder' must be a scalar, got a list")]
    [InlineData("tests:\n  folder: tests\n  user: nobody\n", "'tests.user' must be agent or root (who runs that code in production), got 'nobody'")]
    [InlineData("tests:\n  folder: tests\n  timeoutSeconds: 0\n", "'tests.timeoutSeconds' must be between 1 and 3600, got 0")]
    [InlineData("tests:\n  folder: tests\n  timeout: 60\n", "unknown key 'timeout' in 'tests' (expected one of: folder, user, timeoutSeconds)")]
    [InlineData("tests:\n  user: agent\n", "missing required key 'folder' in 'tests'")]
    [InlineData("tests:\n  folder: ../hermes/tests\n", "'tests.folder' must be a folder inside templates/codex/, got '../hermes/tests'")]
    [InlineData("tests:\n  folder: /tmp\n", "'tests.folder' must be a folder inside templates/codex/, got '/tmp'")]
    public void A_tests_key_of_the_wrong_shape_names_file_line_column(string tests, string expected)
    {
        ReplaceTests("codex", tests);
        var message = LoadTemplateError("codex");
        Assert.Matches($@"^templates/codex/template\.yaml:\d+:\d+: {System.Text.RegularExpressions.Regex.Escape(expected)}", message);
        Assert.DoesNotContain("   at ", message);
    }

    [Fact]
    public void A_tests_folder_the_build_context_takes_in_is_refused()
    {
        _repo.Replace("templates/codex/.dockerignore", "tests/\n", "");
        Assert.Matches(@"^templates/codex/template\.yaml:\d+:11: 'tests\.folder' tests/ is sent in the build context of templates/codex/: add 'tests/' to its \.dockerignore, so a test-only change never changes the image$",
            LoadTemplateError("codex"));
    }

    [Fact]
    public void A_file_of_the_tests_folder_re_included_by_the_dockerignore_is_refused_too()
    {
        _repo.Write("templates/codex/tests/test_x.py", "");
        _repo.Write("templates/codex/.dockerignore", _repo.Read("templates/codex/.dockerignore") + "!tests/test_x.py\n");
        Assert.Contains("'tests.folder' tests/ is sent in the build context of templates/codex/", LoadTemplateError("codex"));
    }

    [Fact]
    public void Template_tests_need_the_fleets_tooling()
    {
        var fleet = _repo.Read("templates/fleet.yaml");
        _repo.Write("templates/fleet.yaml", fleet[..fleet.IndexOf("\ntests:", StringComparison.Ordinal)] + "\n");
        Assert.Matches(@"^templates/codex/template\.yaml:\d+:1: 'tests' needs the fleet's test tooling: add `tests:` with `tools` and `pytest` to templates/fleet\.yaml$",
            LoadTemplateError("codex"));
    }

    [Fact]
    public void Without_tests_a_template_and_the_fleet_load_as_before()
    {
        ReplaceTests("codex", "");
        var fleet = _repo.Read("templates/fleet.yaml");
        _repo.Write("templates/fleet.yaml", fleet[..fleet.IndexOf("\ntests:", StringComparison.Ordinal)] + "\n");
        var loaded = FleetLoader.LoadFleet(_repo.Root);
        Assert.Null(loaded.Tests);
        Assert.Null(FleetLoader.LoadTemplate(loaded, "codex").Tests);
    }

    [Theory]
    [InlineData("  - folder: base/tests/askpass    #", "  - folder: base/tests/nothing    #", "'tests.suites[1].folder' names templates/base/tests/nothing/, which does not exist; create it or fix the path")]
    [InlineData("      user: root", "      user: admin", "'tests.suites[2].user' must be agent or root (who runs that code in production), got 'admin'")]
    [InlineData("  pytest: 7.2.1-2 ", "  pytest: latest  ", "'tests.pytest' must be the exact Debian version of python3-pytest (e.g. 7.2.1-2), got 'latest'")]
    [InlineData("  tools: test-tools ", "  tools: test-tool  ", "'tests.tools' names templates/test-tool/, which has no Dockerfile; it builds the test tooling image")]
    [InlineData("  - folder: base/tests/askpass    #", "  - folder: base/tests/adapter    #", "suite folder 'base/tests/adapter' is listed twice; keep one")]
    [InlineData("  - folder: base/tests/askpass    #", "  - folder: ../tests    #", "'tests.suites[1].folder' must be a folder inside templates/, got '../tests'")]
    public void Bad_fleet_suites_name_file_line_column(string from, string to, string expected)
    {
        _repo.Replace("templates/fleet.yaml", from, to);
        Assert.Matches($@"^templates/fleet\.yaml:\d+:\d+: {System.Text.RegularExpressions.Regex.Escape(expected)}$", LoadFleetError());
    }

    [Fact]
    public void A_fleet_suite_in_the_bases_build_context_is_refused()
    {
        _repo.Write("templates/base/.dockerignore", _repo.Read("templates/base/.dockerignore") + "!tests/\n");
        Assert.Contains("'tests.suites[0].folder' tests/adapter/ is sent in the build context of templates/base/: add 'tests/adapter/' to its .dockerignore", LoadFleetError());
    }

    [Fact]
    public void The_suites_key_of_the_wrong_type_names_its_position() =>
        Assert.Matches(@"^templates/fleet\.yaml:\d+:\d+: 'tests\.suites' must be a list, got a scalar$", ReplaceFleetSuites("  suites: base/tests\n"));

    private string ReplaceFleetSuites(string suites)
    {
        var fleet = _repo.Read("templates/fleet.yaml");
        var start = fleet.IndexOf("  suites:", StringComparison.Ordinal);
        _repo.Write("templates/fleet.yaml", fleet[..start] + suites);
        return LoadFleetError();
    }

    private void ReplaceTests(string template, string tests)
    {
        var text = _repo.Read($"templates/{template}/template.yaml");
        _repo.Write($"templates/{template}/template.yaml", text[..text.IndexOf("tests:", StringComparison.Ordinal)] + tests);
    }
}

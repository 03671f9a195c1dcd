using TemplateFleet.Fleet;

namespace UnitTests.Fleet;

public sealed class FleetLoaderTests : IDisposable
{
    private readonly TempRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private string LoadFleetError() => Assert.Throws<FleetException>(() => FleetLoader.LoadFleet(_repo.Root)).Message;

    private string LoadTemplateError(string name) =>
        Assert.Throws<FleetException>(() => FleetLoader.LoadTemplates(FleetLoader.LoadFleet(_repo.Root), [name])).Message;

    /// <summary>The codex agent's version as the data holds it today (Bump moves it).</summary>
    string CodexVersion => System.Text.RegularExpressions.Regex.Match(_repo.Read("templates/codex/template.yaml"), "\n  version: (\\S+)\n").Groups[1].Value;

    [Fact]
    public void The_repository_templates_load_cleanly()
    {
        var fleet = FleetLoader.LoadFleet(_repo.Root);
        var templates = FleetLoader.LoadTemplates(fleet, fleet.TemplateNames);

        Assert.Equal(["claude-code", "codex", "hermes", "openclaw"], fleet.TemplateNames);
        Assert.Equal("molecule-ai-workspace-runtime", fleet.Runtime.Package);
        Assert.Equal(8000, fleet.Runtime.Health.Port);
        Assert.Equal(["0.9.0", "1.0.0"], fleet.Runtime.Development.Versions);
        Assert.Equal("hermes-agent", Assert.Single(fleet.Packages).Name);
        Assert.Equal(Path.Combine(_repo.Root, "templates", "t4-contract.yaml"), fleet.ContractFile);
        Assert.Equal("0440", fleet.Smoke.Files.Single(f => f.Path == "/etc/sudoers.d/agent-t4").Mode);
        Assert.Equal(4, templates.Count);
        var codex = templates[1];
        // The version is data that Bump moves: any exact release is right here.
        Assert.Equal(new AgentCli(AgentInstaller.Npm, "@openai/codex", codex.Agent.Version, "codex"), codex.Agent);
        Assert.Matches(Names.ExactSemver(), codex.Agent.Version);
        Assert.Equal(Path.Combine(_repo.Root, "templates", "codex", "Dockerfile"), codex.Dockerfile);
        Assert.Equal(AgentInstaller.Pip, templates[2].Agent.Installer);
    }

    [Fact]
    public void The_checked_in_yaml_is_what_the_temp_copy_holds()
    {
        // Guards the copy above: the test repo's yaml is byte-for-byte the repository's.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TempRepo.RealRoot, "templates"), "*.yaml", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(TempRepo.RealRoot, file);
            Assert.Equal(File.ReadAllText(file), _repo.Read(relative));
        }
    }

    [Fact]
    public void Smoke_checks_get_their_defaults()
    {
        var fleet = FleetLoader.LoadFleet(_repo.Root);
        var check = fleet.Smoke.Commands[0];
        Assert.Equal(("runs-as-agent", "agent", 0, 30), (check.Name, check.User, check.ExitCode, check.TimeoutSeconds));
        Assert.Null(check.Stderr);
        Assert.Equal(FileType.Any, fleet.Smoke.Files.Single(f => f.Path == "/usr/local/bin/molecule-askpass").Type);
        Assert.Equal(FileType.Directory, fleet.Smoke.Files.Single(f => f.Path == "/agent-home").Type);
    }

    [Fact]
    public void Unknown_key_names_file_line_column_and_the_expected_keys()
    {
        _repo.Replace("templates/codex/template.yaml", "  version: ", "  verison: ");

        var message = LoadTemplateError("codex");

        Assert.Contains("templates/codex/template.yaml:6:3: unknown key 'verison' in 'agent' (expected one of: installer, package, version, command, policy)", message);
        Assert.Contains("templates/codex/template.yaml:3:1: missing required key 'version' in 'agent'", message);
    }

    [Fact]
    public void Broken_yaml_names_the_position()
    {
        _repo.Replace("templates/codex/template.yaml", "  command: codex", "  command: [codex");

        var message = LoadTemplateError("codex");

        Assert.Equal("templates/codex/template.yaml:7:12: invalid YAML: this list or mapping is never closed (unexpected end of file)", message);
        Assert.DoesNotContain("   at ", message);
    }

    [Fact]
    public void Duplicate_keys_name_both_lines()
    {
        _repo.Replace("templates/codex/template.yaml", "adapter: codex\n", "adapter: codex\nadapter: other\n");

        var message = LoadTemplateError("codex");

        Assert.Equal("templates/codex/template.yaml:3:1: duplicate key 'adapter' (first at line 2); keep one", message);
    }

    [Fact]
    public void Wrong_types_are_reported_together()
    {
        _repo.Replace("templates/fleet.yaml", "    port: 8000", "    port: eight-thousand");
        _repo.Replace("templates/fleet.yaml", "templates: [claude-code, codex, hermes, openclaw]", "templates: claude-code");

        var lines = LoadFleetError().Split(Environment.NewLine);

        Assert.Equal(2, lines.Length);
        Assert.Equal("templates/fleet.yaml:5:12: 'templates' must be a list, got a scalar", lines[0]);
        Assert.Matches(@"^templates/fleet\.yaml:\d+:11: 'runtime\.health\.port' must be an integer, got 'eight-thousand'$", lines[1]);
    }

    [Fact]
    public void Bad_indentation_and_tabs_are_yaml_errors_with_positions()
    {
        _repo.Replace("templates/fleet.yaml", "  registry: 127", " registry: 127");
        Assert.Equal("templates/fleet.yaml:9:2: invalid YAML: While parsing a block mapping, did not find expected key.", LoadFleetError());
    }

    [Fact]
    public void A_quoted_number_is_not_an_integer()
    {
        _repo.Replace("templates/fleet.yaml", "    port: 8000", "    port: '8000'");
        Assert.Contains("'runtime.health.port' must be an integer, got the quoted string '8000'; remove the quotes", LoadFleetError());
    }

    [Fact]
    public void Port_out_of_range()
    {
        _repo.Replace("templates/fleet.yaml", "    port: 8000", "    port: 70000");

        Assert.Contains("'runtime.health.port' must be between 1 and 65535, got 70000", LoadFleetError());
    }

    [Fact]
    public void Missing_required_key()
    {
        _repo.Replace("templates/codex/template.yaml", "adapter: codex\n", "");

        Assert.Equal("templates/codex/template.yaml:1:1: missing required key 'adapter' at the top level", LoadTemplateError("codex"));
    }

    [Fact]
    public void Unknown_template_folder_in_fleet_yaml()
    {
        _repo.Replace("templates/fleet.yaml", "codex, hermes", "codxe, hermes");

        Assert.Equal("templates/fleet.yaml:5:26: template 'codxe' has no folder templates/codxe/; create it or remove the name", LoadFleetError());
    }

    [Fact]
    public void Missing_template_yaml()
    {
        File.Delete(_repo.PathOf("templates/hermes/template.yaml"));

        Assert.Contains("template 'hermes' has no templates/hermes/template.yaml; add one", LoadFleetError());
    }

    [Fact]
    public void Missing_dockerfile_names_it()
    {
        File.Delete(_repo.PathOf("templates/openclaw/Dockerfile"));

        Assert.Equal(
            "templates/openclaw/template.yaml: template 'openclaw' has no templates/openclaw/Dockerfile; every template needs a Dockerfile beside its template.yaml",
            LoadTemplateError("openclaw"));
    }

    [Fact]
    public void Loading_a_template_the_fleet_does_not_list()
    {
        var fleet = FleetLoader.LoadFleet(_repo.Root);

        var e = Assert.Throws<FleetException>(() => FleetLoader.LoadTemplates(fleet, ["base"]));

        Assert.Equal("unknown template 'base'; templates/fleet.yaml lists: claude-code, codex, hermes, openclaw", e.Message);
    }

    [Fact]
    public void Missing_contract_file()
    {
        File.Delete(_repo.PathOf("templates/t4-contract.yaml"));

        Assert.Matches(@"templates/fleet\.yaml:\d+:11: 'contract' names templates/t4-contract\.yaml, which does not exist", LoadFleetError());
    }

    [Theory]
    [InlineData("^0.130.0")]
    [InlineData("~0.130.0")]
    [InlineData("latest")]
    [InlineData("0.130.x")]
    [InlineData("'*'")]
    [InlineData("'>=0.130.0 <0.131'")]
    [InlineData("0.130")]
    public void Agent_version_must_be_exact(string version)
    {
        _repo.Replace("templates/codex/template.yaml", $"  version: {CodexVersion}\n", $"  version: {version}\n");

        var message = LoadTemplateError("codex");

        Assert.StartsWith("templates/codex/template.yaml:6:12: 'agent.version' '", message);
        Assert.Contains("is not an exact version", message);
    }

    [Fact]
    public void Pip_agent_version_is_pep440_exact()
    {
        _repo.Replace("templates/hermes/template.yaml", "  version: 0.4.0", "  version: '>=0.4'");

        Assert.Contains("templates/hermes/template.yaml:6:12: 'agent.version' '>=0.4' is not an exact version", LoadTemplateError("hermes"));
    }

    [Fact]
    public void Installer_must_be_npm_or_pip()
    {
        _repo.Replace("templates/codex/template.yaml", "  installer: npm", "  installer: yarn");

        Assert.Equal("templates/codex/template.yaml:4:14: 'agent.installer' must be npm or pip, got 'yarn'", LoadTemplateError("codex"));
    }

    [Fact]
    public void Check_user_must_be_agent_or_root()
    {
        _repo.Replace("templates/codex/template.yaml", "      run: codex --version\n      user: agent", "      run: codex --version\n      user: admin");

        Assert.Contains("'smoke.commands[0].user' must be agent or root, got 'admin'", LoadTemplateError("codex"));
    }

    [Fact]
    public void Mode_must_be_a_quoted_octal_string()
    {
        _repo.Replace("templates/fleet.yaml", "      mode: \"0440\"", "      mode: 0440");
        _repo.Replace("templates/fleet.yaml", "      mode: \"0755\"", "      mode: \"rwx\"");

        var message = LoadFleetError();

        Assert.Contains("'smoke.files[2].mode' must be an octal mode like \"0440\", got 'rwx'", message);
        Assert.Contains("'smoke.files[3].mode' must be a quoted octal string like \"0440\" (unquoted, YAML may read 0440 as a number)", message);
    }

    [Fact]
    public void Regex_must_compile_and_placeholders_must_be_known()
    {
        _repo.Replace("templates/codex/template.yaml", "'^codex-cli ${AGENT_VERSION}$'", "'^codex-cli (${AGENT_VERSION}$'");
        _repo.Replace("templates/codex/template.yaml", "'skip:no_auth_json'", "'${AGENT_VERSON}'");

        var message = LoadTemplateError("codex");

        Assert.Contains("'smoke.commands[0].stdout' is not a valid regular expression", message);
        Assert.Contains("'smoke.commands[1].stdout' uses unknown placeholder ${AGENT_VERSON}", message);
    }

    [Fact]
    public void Duplicate_check_names_within_a_file_and_against_the_fleet()
    {
        _repo.Replace("templates/codex/template.yaml", "name: auth-watchdog-skips-without-auth", "name: cli-version");
        _repo.Replace("templates/openclaw/template.yaml", "name: cli-version", "name: runs-as-agent");

        Assert.Matches(@"templates/codex/template\.yaml:\d+:13: duplicate check name 'cli-version' \(first at line \d+\)", LoadTemplateError("codex"));
        Assert.Contains("check name 'runs-as-agent' is already used by the fleet-wide checks", LoadTemplateError("openclaw"));
    }

    [Fact]
    public void Node_version_must_be_exact_and_timeouts_bounded()
    {
        var node = FleetLoader.LoadFleet(_repo.Root).Base.Node.Version;
        _repo.Replace("templates/fleet.yaml", $"    version: {node}", "    version: '24'");
        _repo.Replace("templates/codex/template.yaml", "      exitCode: 1\n", "      exitCode: 1\n      timeoutSeconds: 0\n");

        Assert.Contains("'base.node.version' '24' is not an exact version", LoadFleetError());
        _repo.Replace("templates/fleet.yaml", "    version: '24'", $"    version: {node}");
        Assert.Contains("'smoke.commands[1].timeoutSeconds' must be between 1 and 3600, got 0", LoadTemplateError("codex"));
    }

    [Fact]
    public void The_docker_cli_is_one_debian_package_at_an_exact_version()
    {
        var config = FleetLoader.LoadFleet(_repo.Root);
        Assert.Equal(new DebianPackage("trixie", "docker-cli", config.Base.DockerCli.Version), config.Base.DockerCli);

        _repo.Replace("templates/fleet.yaml", "    package: docker-cli", "    package: Docker CLI");
        _repo.Replace("templates/fleet.yaml", "    suite: trixie", "    suite: trixie-backports");
        var message = LoadFleetError();
        Assert.Contains("'base.dockerCli.package' must be a Debian package name, e.g. docker-cli; got 'Docker CLI'", message);
        Assert.Contains("'base.dockerCli.suite' must be a Debian suite's code name, e.g. trixie; got 'trixie-backports'", message);
    }

    [Fact]
    public void The_docker_cli_version_must_be_exact_and_the_section_is_required()
    {
        var version = FleetLoader.LoadFleet(_repo.Root).Base.DockerCli.Version;
        _repo.Replace("templates/fleet.yaml", $"    version: {version}", "    version: '>= 26'");
        Assert.Contains("'base.dockerCli.version' must be an exact Debian version, e.g. 26.1.5+dfsg1-9+deb13u1+b1; got '>= 26'", LoadFleetError());

        var fleet = _repo.Read("templates/fleet.yaml");
        var start = fleet.IndexOf("  dockerCli:", StringComparison.Ordinal);
        var end = fleet.IndexOf("\n\n", start, StringComparison.Ordinal);
        _repo.Write("templates/fleet.yaml", fleet[..start] + fleet[(end + 1)..]);
        Assert.Contains("missing required key 'dockerCli' in 'base'", LoadFleetError());
    }

    [Fact]
    public void Empty_file_and_non_mapping_documents()
    {
        _repo.Write("templates/codex/template.yaml", "");
        Assert.Equal("templates/codex/template.yaml: file is empty; expected a mapping of settings", LoadTemplateError("codex"));

        _repo.Write("templates/codex/template.yaml", "- a\n- b\n");
        Assert.Equal("templates/codex/template.yaml:1:1: the file must be a mapping, got a list", LoadTemplateError("codex"));
    }

    [Fact]
    public void Anchors_are_refused()
    {
        _repo.Replace("templates/codex/template.yaml", "adapter: codex", "adapter: &a codex\ndescription2: *a");

        Assert.Contains("anchors (&a) are not supported", LoadTemplateError("codex"));
    }

    [Fact]
    public void Template_names_cannot_escape_the_templates_folder()
    {
        _repo.Replace("templates/fleet.yaml", "openclaw]", "'../etc']");

        Assert.Contains("template name '../etc' must be a folder name", LoadFleetError());
    }

    [Fact]
    public void Errors_of_several_templates_are_reported_together()
    {
        _repo.Replace("templates/codex/template.yaml", "  command: codex", "  command: 'co dex'");
        _repo.Replace("templates/hermes/template.yaml", "  installer: pip", "  installer: 3");
        var fleet = FleetLoader.LoadFleet(_repo.Root);

        var message = Assert.Throws<FleetException>(() => FleetLoader.LoadTemplates(fleet, fleet.TemplateNames)).Message;

        Assert.Contains("templates/codex/template.yaml:7:12: 'agent.command' must be a command name", message);
        Assert.Contains("templates/hermes/template.yaml:4:14: 'agent.installer' must be npm or pip, got '3'", message);
    }
}

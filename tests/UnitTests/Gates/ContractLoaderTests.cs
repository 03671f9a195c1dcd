using TemplateFleet.Fleet;
using TemplateFleet.Gates;
using TemplateFleet.Results;

namespace UnitTests.Gates;

public sealed class ContractLoaderTests
{
    const string Head = """
        provisioner:
          privileged: true
          pidMode: host
          binds:
            - source: /
              target: /host
        readiness:
          timeoutSeconds: 60
          intervalMilliseconds: 200
        capabilities:
        """;

    static string Cap(string id, string severity = "hard", string timeout = "10", string extra = "", string user = "agent") => $"""
          - id: {id}
            severity: {severity}
            user: {user}
            timeoutSeconds: {timeout}
            description: d
            probe: "true"
        {extra}
        """;

    /// <summary>The contract in <paramref name="yaml"/>; messages name it <paramref name="file"/>.</summary>
    static Contract Parse(string yaml, string file)
    {
        var errors = new YamlErrors(file);
        return ContractLoader.Read(YamlDocument.ReadText(yaml, errors, ContractLoader.TopKeys), errors);
    }

    static FleetException Fails(string yaml) => Assert.Throws<FleetException>(() => Parse(yaml, "t4-contract.yaml"));

    [Fact]
    public void The_fleet_contract_declares_the_ten_capabilities()
    {
        var contract = ContractLoader.Load(Path.Combine(RepositoryRoot.Path, "templates", "t4-contract.yaml"));
        Assert.Equal(
            ["agent_identity", "sudo_nopasswd", "sudoers_valid", "host_root_nsenter", "host_fs_reachable",
             "docker_socket_reachable", "pid_host_visible", "agent_home_writable", "configs_token_agent_owned", "git_askpass"],
            contract.Capabilities.Select(c => c.Id));
        Assert.All(contract.Capabilities, c => Assert.Equal("agent", c.User));
        Assert.All(contract.Capabilities, c => Assert.Equal(Severity.Hard, c.Severity));
        Assert.True(contract.Provisioner.Privileged);
        Assert.Equal("host", contract.Provisioner.PidMode);
        Assert.Contains(new BindMount("/", "/host"), contract.Provisioner.Binds);
        Assert.Contains(new BindMount(BindMount.DockerSocket, "/var/run/docker.sock"), contract.Provisioner.Binds);
    }

    [Fact]
    public void Probes_never_write_under_host()
    {
        var contract = ContractLoader.Load(Path.Combine(RepositoryRoot.Path, "templates", "t4-contract.yaml"));
        Assert.All(contract.Capabilities, c => Assert.DoesNotMatch(@"(>|tee|touch|mkdir|rm)\s+[^\n]*/host", c.Probe));
    }

    [Fact]
    public void Any_number_of_capabilities_loads()
    {
        var c = Parse(Head + "\n" + Cap("one") + Cap("two", "soft"), "f.yaml");
        Assert.Equal(2, c.Capabilities.Count);
        Assert.Equal(Severity.Soft, c.Capabilities[1].Severity);
    }

    [Fact]
    public void Duplicate_ids_name_the_line_and_the_first_definition()
    {
        var e = Fails(Head + "\n" + Cap("same") + Cap("same"));
        Assert.StartsWith("t4-contract.yaml:17:9: 'capabilities[1].id': duplicate capability id 'same' (first defined at line 11)", e.Message);
    }

    [Fact]
    public void Unknown_severity_is_rejected_with_file_line_key()
    {
        var e = Fails(Head + "\n" + Cap("x", severity: "fatal"));
        Assert.Equal("t4-contract.yaml:12:15: 'capabilities[0].severity' 'fatal' is not a severity; use hard or soft", e.Message);
    }

    [Theory]
    [InlineData("agnet")]
    [InlineData("1000")]
    public void A_probe_runs_as_agent_or_root_only(string user)
    {
        var e = Fails(Head + "\n" + Cap("x", user: user));
        Assert.Equal($"t4-contract.yaml:13:11: 'capabilities[0].user' must be agent or root, got '{user}'", e.Message);
        Assert.Equal("root", Assert.Single(Parse(Head + "\n" + Cap("x", user: "root"), "t4-contract.yaml").Capabilities).User);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("ten")]
    public void Timeout_must_be_positive(string timeout)
    {
        var e = Fails(Head + "\n" + Cap("x", timeout: timeout));
        Assert.Equal($"t4-contract.yaml:14:21: 'capabilities[0].timeoutSeconds' must be a whole number greater than 0, got '{timeout}'", e.Message);
    }

    [Fact]
    public void Unknown_key_is_an_error_naming_it()
    {
        var e = Fails(Head + "\n" + Cap("x", extra: "    continueOnError: true"));
        Assert.StartsWith("t4-contract.yaml:17:5: unknown key 'continueOnError' in 'capabilities[0]' (expected one of: id, severity,", e.Message);
    }

    [Fact]
    public void Missing_key_is_an_error_naming_it()
    {
        var e = Fails(Head.Replace("  pidMode: host\n", "", StringComparison.Ordinal) + "\n" + Cap("x"));
        Assert.Equal("t4-contract.yaml:1:1: missing required key 'pidMode' in 'provisioner'", e.Message);
    }

    [Fact]
    public void No_capability_is_an_error() =>
        Assert.Equal("t4-contract.yaml:10:1: the contract declares no capability; list at least one under 'capabilities'", Fails(Head + " []").Message);

    [Fact]
    public void Invalid_yaml_names_the_line() =>
        Assert.Matches(@"^t4-contract\.yaml:2:\d+: invalid YAML", Fails("a: b\n  c: [d\n").Message);

    [Fact]
    public void A_missing_file_says_where_it_is_named() =>
        Assert.Contains("fleet.yaml `contract:`", Assert.Throws<FleetException>(() => ContractLoader.Load("no-such-contract.yaml")).Message);

    [Fact]
    public void Every_mistake_of_the_file_is_reported_at_once_with_line_and_column()
    {
        var e = Fails(Head.Replace("privileged: true", "privileged: yes", StringComparison.Ordinal) + "\n" + Cap("Bad-Id", severity: "fatal", timeout: "0"));
        Assert.Equal(
            [
                "t4-contract.yaml:2:15: 'provisioner.privileged' must be true or false, got 'yes'",
                "t4-contract.yaml:11:9: 'capabilities[0].id' 'Bad-Id' must be snake_case ([a-z][a-z0-9_]*)",
                "t4-contract.yaml:12:15: 'capabilities[0].severity' 'fatal' is not a severity; use hard or soft",
                "t4-contract.yaml:14:21: 'capabilities[0].timeoutSeconds' must be a whole number greater than 0, got '0'",
            ],
            e.Message.Split(Environment.NewLine));
    }

    [Fact]
    public void Restore_names_the_contract_relative_to_the_repository()
    {
        var path = Path.Combine(Path.GetTempPath(), $"contract-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, Head + "\n" + Cap("x", severity: "fatal"));
        try
        {
            var e = Assert.Throws<FleetException>(() => ContractLoader.Load(path, "templates/t4-contract.yaml"));
            Assert.StartsWith("templates/t4-contract.yaml:12:15: ", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

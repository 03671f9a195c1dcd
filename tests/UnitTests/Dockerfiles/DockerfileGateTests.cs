using TemplateFleet.Dockerfiles;
using TemplateFleet.Fleet;
using static UnitTests.Dockerfiles.Rules.Gate;

namespace UnitTests.Dockerfiles;

/// <summary>The gate as a whole: files, the fleet, the failure message. Each rule has its own tests in Rules/.</summary>
public sealed class DockerfileGateTests
{
    [Fact]
    public void Good_dockerfiles_have_no_findings()
    {
        Assert.Empty(Check(GoodTemplate));
        Assert.Empty(Check(GoodBase, Base));
        Assert.Empty(Check(GoodTemplate, Hermes));
    }

    [Fact]
    public void The_repository_dockerfiles_pass_every_rule()
    {
        var fleet = FleetLoader.LoadFleet(UnitTests.Fleet.TempRepo.RealRoot);

        Assert.Empty(DockerfileGate.CheckFleet(fleet, FleetLoader.LoadTemplates(fleet, fleet.TemplateNames)));
    }

    [Fact]
    public void A_pin_copied_from_template_yaml_is_three_findings_with_their_fixes()
    {
        var fleet = FleetLoader.LoadFleet(UnitTests.Fleet.TempRepo.RealRoot);
        var codex = FleetLoader.LoadTemplate(fleet, "codex");
        var text = File.ReadAllText(codex.Dockerfile);
        var copied = text.Replace("\"${AGENT_PACKAGE}\" \"${AGENT_VERSION}\"", $"@openai/codex {codex.Agent.Version}", StringComparison.Ordinal);
        Assert.NotEqual(text, copied);

        var findings = DockerfileGate.CheckText(copied, "templates/codex/Dockerfile", DockerfileFacts.For(fleet, codex));

        Assert.Equal(["fleet-literal", "fleet-literal", "agent-install"], findings.Select(f => f.Rule));
        Assert.All(findings, f => Assert.Equal(text.Split('\n').ToList().FindIndex(l => l.Contains("fleet-install-agent", StringComparison.Ordinal)) + 1, f.Line));
        Assert.Contains("'@openai/codex' writes template.yaml agent.package into the Dockerfile; use ${AGENT_PACKAGE}, which the build passes", findings[0].Message);
        Assert.Contains($"'{codex.Agent.Version}' writes template.yaml agent.version into the Dockerfile; use ${{AGENT_VERSION}}", findings[1].Message);
        Assert.Contains("must take exactly the agent's build arguments", findings[2].Message);
    }

    [Fact]
    public void Every_rule_has_its_own_id()
    {
        Assert.Equal(DockerfileGate.Rules.Count, DockerfileGate.Rules.Select(r => r.Id).Distinct().Count());
        Assert.Equal(DockerfileGate.Rules.Count, DockerfileGate.Rules.Select(r => r.Find.Method).Distinct().Count());
    }

    [Fact]
    public void Check_reads_the_file_and_names_it_relative_to_the_repository()
    {
        using var repo = new UnitTests.Fleet.TempRepo();
        repo.Write("templates/codex/Dockerfile", Edit(GoodTemplate, "ENTRYPOINT", "CMD"));
        var facts = Codex with { RepositoryRoot = repo.Root };

        var finding = Assert.Single(DockerfileGate.Check(repo.PathOf("templates/codex/Dockerfile"), facts));

        const string message = "the final stage has no ENTRYPOINT; add one (ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]) so the container starts through it";
        Assert.Equal(new Finding("templates/codex/Dockerfile", 3, "entrypoint", message), finding);
        var e = Assert.Throws<FleetException>(() => DockerfileGate.ThrowIfAny([finding]));
        Assert.Equal($"templates/codex/Dockerfile:3: {message} [entrypoint]{Environment.NewLine}Dockerfile gate: 1 finding; fix them before building.", e.Message);
    }

    [Fact]
    public void Check_fleet_gates_base_and_templates_from_the_loaded_fleet()
    {
        using var repo = new UnitTests.Fleet.TempRepo();
        repo.Write("templates/base/Dockerfile", GoodBase);
        repo.Write("templates/codex/Dockerfile", GoodTemplate);
        var fleet = FleetLoader.LoadFleet(repo.Root);
        var codex = FleetLoader.LoadTemplates(fleet, ["codex"]);

        Assert.Empty(DockerfileGate.CheckFleet(fleet, codex));

        repo.Write("templates/base/Dockerfile", Edit(GoodBase, "ARG NODE_VERSION\n", ""));
        var finding = Assert.Single(DockerfileGate.CheckFleet(fleet, codex));
        Assert.Equal(("templates/base/Dockerfile", 7, "build-arg"), (finding.File, finding.Line, finding.Rule));
    }
}

using TemplateFleet.Fleet;
using TemplateFleet.Restore;
using static UnitTests.Restore.Rules.Gate;

namespace UnitTests.Restore;

/// <summary>The gate as a whole: files, the fleet, the failure message. Each rule has its own tests in Rules/.</summary>
public sealed class DockerfileGateTests
{
    [Fact]
    public void Good_dockerfiles_have_no_findings()
    {
        Assert.Empty(Check(GoodTemplate));
        Assert.Empty(Check(GoodBase, Base));
        Assert.Empty(Check(Edit(GoodTemplate, "\"@openai/codex@${AGENT_VERSION}\"", "@openai/codex@0.130.0")));
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

        repo.Write("templates/base/Dockerfile", Edit(GoodBase, "ARG RUNTIME_VERSION\n", ""));
        var finding = Assert.Single(DockerfileGate.CheckFleet(fleet, codex));
        Assert.Equal(("templates/base/Dockerfile", 9, "cache-trap"), (finding.File, finding.Line, finding.Rule));
    }
}

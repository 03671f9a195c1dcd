using TemplateFleet.SupplyChain;
using UnitTests.SupplyChain;

namespace IntegrationTests.SupplyChain;

/// <summary>
/// A small image shaped like a template for the signing tests: FROM the fleet's OS image with its security
/// upgrades taken (sources derived by the code under test; full-upgrade, as the base does), a runtime dist-info in the venv and an npm
/// global's package.json, so trivy's SBOM lists the runtime and the agent CLI at known versions.
/// </summary>
public static class FleetLikeImage
{
    public const string Runtime = "molecule-ai-workspace-runtime";
    public const string Agent = "@openai/codex";
    public const string AgentVersion = "0.130.0";

    static readonly SemaphoreSlim Lock = new(1, 1);
    static string? upgradedOs;

    public static IReadOnlyList<ExpectedPackage> Expected(string runtimeVersion) =>
    [
        ExpectedPackage.Runtime(Runtime, runtimeVersion),
        new("npm", Agent, AgentVersion, "agent CLI", "test"),
    ];

    /// <summary>The OS image with its security upgrades applied: once per test run.</summary>
    public static async Task<string> UpgradedOsAsync(SupplyChainFixture fixture)
    {
        await Lock.WaitAsync();
        try
        {
            if (upgradedOs is null)
            {
                var sources = await ImageAptSourcesReader.ReadAsync(fixture.Docker, fixture.RunId, "os", fixture.OsImage, CancellationToken.None);
                upgradedOs = await fixture.BuildAsync("os-upgraded", """
                    ARG OS_IMAGE
                    FROM ${OS_IMAGE}
                    ARG SECURITY_SOURCES
                    RUN printf '%s' "${SECURITY_SOURCES}" > /etc/apt/sources.list.d/security.list \
                     && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get full-upgrade -y -qq && rm -rf /var/lib/apt/lists/*
                    """, buildArgs: new Dictionary<string, string> { ["SECURITY_SOURCES"] = sources.SecurityList });
            }
            return upgradedOs;
        }
        finally
        {
            Lock.Release();
        }
    }

    /// <summary>A fleet-like image with the runtime at <paramref name="runtimeVersion"/>; <paramref name="marker"/> makes its digest unique.</summary>
    public static async Task<string> BuildAsync(SupplyChainFixture fixture, string name, string runtimeVersion, string marker)
    {
        var os = await UpgradedOsAsync(fixture);
        var distInfo = $"/opt/molecule-venv/lib/python3.11/site-packages/molecule_ai_workspace_runtime-{runtimeVersion}.dist-info/METADATA";
        return await fixture.BuildAsync(name, $"""
            FROM {os}
            COPY METADATA {distInfo}
            COPY package.json /usr/local/lib/node_modules/{Agent}/package.json
            COPY marker /etc/fleet-marker
            """, new Dictionary<string, string>
        {
            ["METADATA"] = $"Metadata-Version: 2.1\nName: {Runtime}\nVersion: {runtimeVersion}\nSummary: test stand-in\n",
            ["package.json"] = $"{{\"name\": \"{Agent}\", \"version\": \"{AgentVersion}\", \"license\": \"Apache-2.0\"}}\n",
            ["marker"] = marker + "\n",
        });
    }
}

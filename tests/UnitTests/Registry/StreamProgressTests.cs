using System.Text.Json;
using Docker.DotNet.Models;
using TemplateFleet.Registry;

namespace UnitTests.Registry;

public sealed class StreamProgressTests
{
    const string Digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    static JSONMessage Message(string json) => JsonSerializer.Deserialize<JSONMessage>(json)!;

    [Fact]
    public void Digest_comes_from_the_aux_record()
    {
        var progress = new StreamProgress("push", "r/x:1");
        progress.Report(new JSONMessage { Status = "Pushed", ID = "abc" });
        progress.Report(new JSONMessage
        {
            Aux = new ObjectExtensionData
            {
                ExtensionData = new Dictionary<string, object>
                {
                    ["Tag"] = JsonDocument.Parse("\"1\"").RootElement,
                    ["Digest"] = JsonDocument.Parse($"\"{Digest}\"").RootElement,
                },
            },
        });
        Assert.Equal(Digest, progress.Digest);
        Assert.Null(progress.Error);
    }

    [Fact]
    public void Digest_falls_back_to_the_status_line()
    {
        var progress = new StreamProgress("push", "r/x:1");
        progress.Report(new JSONMessage { Status = $"1: digest: {Digest} size: 528" });
        Assert.Equal(Digest, progress.Digest);
    }

    [Fact]
    public void An_error_in_the_stream_is_kept_first_one_wins()
    {
        var progress = new StreamProgress("push", "r/x:1");
        progress.Report(new JSONMessage { Error = new JSONError { Message = "unauthorized: authentication required" } });
        progress.Report(new JSONMessage { Error = new JSONError { Message = "later" } });
        Assert.Equal("unauthorized: authentication required", progress.Error);
        Assert.Null(progress.Digest);
    }
}

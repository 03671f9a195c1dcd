using System.Net.Sockets;
using TemplateFleet.Engine;
using TemplateFleet.Fleet;
using TemplateFleet.Reports;
using TemplateFleet.Results;

namespace UnitTests.Engine;

public sealed class EngineConnectionTests
{
    private static readonly Uri Endpoint = new("unix:///srv/engine-b/docker.sock");

    [Fact]
    public void Failing_to_reach_the_engine_is_told_apart_from_an_answer()
    {
        Assert.True(EngineConnection.IsConnectionFailure(new HttpRequestException("Connection failed.", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(EngineConnection.IsConnectionFailure(new IOException("Unable to read data from the transport connection", new SocketException((int)SocketError.ConnectionReset))));
        Assert.True(EngineConnection.IsConnectionFailure(new AggregateException(new InvalidOperationException("x"), new HttpRequestException("Connection failed."))));
        Assert.True(EngineConnection.IsConnectionFailure(new FleetException("wrapped", new HttpRequestException("Connection failed."))));
        Assert.False(EngineConnection.IsConnectionFailure(new FleetException("codex: failed T4-03")));
        Assert.False(EngineConnection.IsConnectionFailure(new IOException("No space left on device")));
    }

    [Fact]
    public void A_lost_engine_is_one_line_naming_the_stage_and_the_endpoint()
    {
        var e = EngineConnection.Lost(Endpoint, "T4Conformance",
            new HttpRequestException("Connection failed.", new SocketException((int)SocketError.ConnectionRefused)));

        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("T4Conformance: the Docker engine at unix:///srv/engine-b/docker.sock stopped answering (Connection refused); ", e.Message);
        Assert.Contains("removed by the next run", e.Message);
    }

    [Fact]
    public void Templates_that_never_got_their_checks_count_as_not_passed()
    {
        var ran = new[] { new GateResult("t4", "codex", "", [], [], null, TimeSpan.Zero), new GateResult("t4", "hermes", "", [], [], null, TimeSpan.Zero) };

        Assert.Equal("2/4 templates", SummaryNote.For(ran, asked: 4));
    }
}

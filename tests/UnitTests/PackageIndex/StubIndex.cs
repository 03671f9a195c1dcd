using System.Net;
using System.Text;

namespace UnitTests.PackageIndex;

/// <summary>An in-process package index: answers GET /pypi/{name}/json from a queue of canned responses
/// (the last one repeats) and records what was asked.</summary>
public sealed class StubIndex : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _answers = new();
    private Func<HttpResponseMessage>? _last;

    public List<string> Requests { get; } = [];

    public StubIndex Then(HttpStatusCode status, string body = "")
    {
        _answers.Enqueue(() => new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        return this;
    }

    public StubIndex ThenThrow(Exception e)
    {
        _answers.Enqueue(() => throw e);
        return this;
    }

    /// <summary>PyPI's project JSON, with the given releases: version -> yanked flags of its files.</summary>
    public static string ProjectJson(string name, params (string Version, bool[] Yanked)[] releases)
    {
        var items = releases.Select(r =>
            $"\"{r.Version}\": [{string.Join(",", r.Yanked.Select((y, i) =>
                $"{{\"filename\": \"{name.Replace('-', '_')}-{r.Version}-{i}-py3-none-any.whl\", \"packagetype\": \"bdist_wheel\", \"yanked\": {(y ? "true" : "false")}, \"yanked_reason\": null, \"url\": \"http://127.0.0.1/packages/x.whl\"}}"))}]");
        return $"{{\"info\": {{\"name\": \"{name}\", \"version\": \"{releases.LastOrDefault().Version}\"}}, \"last_serial\": 1, \"releases\": {{{string.Join(", ", items)}}}, \"urls\": []}}";
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add($"{request.Method} {request.RequestUri}");
        var answer = _answers.Count > 0 ? _last = _answers.Dequeue() : _last ?? throw new InvalidOperationException("no answer queued");
        return Task.FromResult(answer());
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace UnitTests.Forges;

/// <summary>One request as the fake received it (the token only as the header carried it).</summary>
public sealed record ForgeRequest(string Method, string Path, string Query, string? Authorization, JsonNode? Body)
{
    public override string ToString() => $"{Method} {Path}{Query}";

    public string? QueryValue(string name) => FakeForgeServer.ParseQuery(Query).GetValueOrDefault(name);
}

/// <summary>What a route handler answers: a status, an optional JSON body or plain text.</summary>
public sealed record ForgeReply(int Status, JsonNode? Json = null, string? Text = null)
{
    public static ForgeReply NoContent { get; } = new(204);
}

/// <summary>
/// A loopback HTTP server that routes the way the forge's router does: a path that matches no route is 404,
/// a path that matches a route of another method is 405. Requests are handled one at a time, as a database
/// transaction per request would order them, and every request is logged for the tests.
/// </summary>
public abstract class FakeForgeServer : IDisposable
{
    HttpListener listener = new();
    readonly Task loop;
    readonly List<Route> routes = [];
    readonly object handling = new();

    sealed record Route(string Method, Regex Pattern, Func<ForgeRequest, Match, ForgeReply> Handler);

    protected FakeForgeServer(string apiPath)
    {
        // A free port can be taken by a parallel test between the probe and the bind: try another.
        for (var attempt = 1; ; attempt++)
        {
            Root = new Uri($"http://127.0.0.1:{FreePort()}/");
            listener.Prefixes.Add(Root.ToString());
            try
            {
                listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                // A listener that failed to start is closed: the next attempt needs a new one.
                listener = new HttpListener();
            }
        }
        ApiUrl = new Uri(Root, apiPath);
        loop = Task.Run(ServeAsync);
    }

    public Uri Root { get; }
    public Uri ApiUrl { get; }

    readonly List<ForgeRequest> requests = [];

    public IReadOnlyList<ForgeRequest> Requests
    {
        get
        {
            lock (requests)
                return [.. requests];
        }
    }

    public void ClearRequests()
    {
        lock (requests)
            requests.Clear();
    }

    /// <summary>The requests that could change something: anything but GET, whatever the answer.</summary>
    public IReadOnlyList<ForgeRequest> Writes => Requests.Where(r => r.Method != "GET").ToList();

    /// <summary>A route; <paramref name="pattern"/> is a regular expression over the path below the API root, anchored.</summary>
    protected void Map(string method, string pattern, Func<ForgeRequest, Match, ForgeReply> handler) =>
        routes.Add(new Route(method, new Regex("^" + pattern + "$", RegexOptions.CultureInvariant), handler));

    /// <summary>The reply for a path no route matches.</summary>
    protected abstract ForgeReply NoRoute(ForgeRequest request);

    /// <summary>The reply for a path whose routes all take other methods.</summary>
    protected abstract ForgeReply WrongMethod(ForgeRequest request);

    /// <summary>Runs before routing (authentication); a non-null reply ends the request.</summary>
    protected virtual ForgeReply? Authenticate(ForgeRequest request) => null;

    protected virtual void AddHeaders(HttpListenerResponse response)
    {
    }

    async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            ForgeReply reply;
            try
            {
                var request = Read(context.Request);
                lock (requests)
                    requests.Add(request);
                lock (handling)
                    reply = Handle(request);
            }
            catch (Exception e)
            {
                reply = new ForgeReply(500, new JsonObject { ["message"] = "fake forge: " + e.Message });
            }
            Write(context, reply);
        }
    }

    ForgeReply Handle(ForgeRequest request)
    {
        var apiPath = ApiUrl.AbsolutePath.TrimEnd('/');
        if (!request.Path.StartsWith(apiPath, StringComparison.Ordinal))
            return NoRoute(request);
        var path = request.Path[apiPath.Length..];
        var matching = routes.Select(r => (Route: r, Match: r.Pattern.Match(path))).Where(m => m.Match.Success).ToList();
        if (matching.Count == 0)
            return NoRoute(request);
        if (Authenticate(request) is { } refused)
            return refused;
        var (route, match) = matching.FirstOrDefault(m => m.Route.Method == request.Method);
        return route is null ? WrongMethod(request) : route.Handler(request, match);
    }

    static ForgeRequest Read(HttpListenerRequest http)
    {
        var raw = http.RawUrl ?? "/";
        var q = raw.IndexOf('?');
        var path = Uri.UnescapeDataString(q < 0 ? raw : raw[..q]);
        var query = q < 0 ? "" : raw[q..];
        JsonNode? body = null;
        if (http.HasEntityBody)
        {
            using var reader = new StreamReader(http.InputStream, Encoding.UTF8);
            var text = reader.ReadToEnd();
            if (text.Length > 0)
            {
                try
                {
                    body = JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                    body = JsonValue.Create(text);
                }
            }
        }
        return new ForgeRequest(http.HttpMethod, path, query, http.Headers["Authorization"], body);
    }

    void Write(HttpListenerContext context, ForgeReply reply)
    {
        var response = context.Response;
        response.StatusCode = reply.Status;
        AddHeaders(response);
        byte[] bytes;
        if (reply.Json is not null)
        {
            bytes = Encoding.UTF8.GetBytes(reply.Json.ToJsonString());
            response.ContentType = "application/json;charset=utf-8";
        }
        else
        {
            bytes = Encoding.UTF8.GetBytes(reply.Text ?? "");
            if (reply.Text is not null)
                response.ContentType = "text/plain; charset=utf-8";
        }
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
        response.Close();
    }

    internal static Dictionary<string, string> ParseQuery(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .GroupBy(p => Uri.UnescapeDataString(p[0]))
            .ToDictionary(g => g.Key, g => Uri.UnescapeDataString(g.First().Length > 1 ? g.First()[1].Replace('+', ' ') : ""));

    /// <summary>The bearer of "token X" or "Bearer X" (both forges accept both schemes), or null.</summary>
    protected static string? TokenOf(ForgeRequest request) =>
        request.Authorization?.Split(' ', 2) is [var scheme, var token]
        && (scheme.Equals("token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase))
            ? token.Trim()
            : null;

    protected static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");

    static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public virtual void Dispose()
    {
        // Close alone: Stop and then Close would release the endpoint twice, and the second release binds the
        // port again (the managed HttpListener), failing when a parallel test has taken it.
        listener.Close();
        loop.Wait(TimeSpan.FromSeconds(5));
        GC.SuppressFinalize(this);
    }
}

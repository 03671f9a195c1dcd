using System.Net;
using System.Net.Sockets;
using System.Text;
using Serilog;

namespace TemplateFleet.PackageIndex;

/// <summary>
/// Serves a folder of static files on http://127.0.0.1:&lt;free port&gt;/ for the duration of a build, through .NET's
/// own HttpListener (which answers 404 to a request naming another Host). GET and HEAD only; one request per
/// connection (Connection: close keeps it small and pip copes).
/// Requests for a folder serve its index.html; nothing outside the folder is reachable.
/// </summary>
public sealed class LoopbackIndexServer : IAsyncDisposable
{
    private readonly string _root;
    private readonly HttpListener _listener;
    private readonly Task _loop;

    private LoopbackIndexServer(string root, int preferredPort)
    {
        _root = Path.GetFullPath(root);
        (_listener, BaseUrl) = Listen(preferredPort);
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseUrl { get; }

    /// <param name="preferredPort">Tried first (0: none). A stable URL keeps the build-arg, and so the
    /// cached pip layer, unchanged between builds; when taken, any free port is used.</param>
    public static LoopbackIndexServer Start(string root, int preferredPort = 0) => new(root, preferredPort);

    private static (HttpListener, Uri) Listen(int preferredPort)
    {
        // A free port can be taken by another process between the probe and the bind: try another.
        for (var attempt = 1; ; attempt++)
        {
            var url = new Uri($"http://127.0.0.1:{(attempt == 1 && preferredPort > 0 ? preferredPort : FreePort())}/");
            var listener = new HttpListener { Prefixes = { url.ToString() } };
            try
            {
                listener.Start();
                return (listener, url);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone: Stop and then Close would release the endpoint twice (the managed HttpListener).
        _listener.Close();
        await _loop;
    }

    private async Task ServeAsync()
    {
        try
        {
            while (true)
            {
                var context = await _listener.GetContextAsync();
                _ = Task.Run(() => RespondAsync(context.Request, context.Response));
            }
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // The listener was closed: the server stops.
        }
    }

    private async Task RespondAsync(HttpListenerRequest request, HttpListenerResponse response)
    {
        var (get, head) = (request.HttpMethod == "GET", request.HttpMethod == "HEAD");
        var file = get || head ? Resolve(request.RawUrl ?? "") : null;
        var (status, text) = !(get || head) ? (405, "GET and HEAD only\n") : file is null ? (404, "not found\n") : (200, "");
        try
        {
            response.KeepAlive = false;
            response.StatusCode = status;
            response.ContentType = file is null ? "text/plain" : ContentType(file);
            await using var content = file is null ? new MemoryStream(Encoding.UTF8.GetBytes(text)) : (Stream)File.OpenRead(file);
            response.ContentLength64 = content.Length;
            if (!head)
                await content.CopyToAsync(response.OutputStream);
            response.Close();
        }
        catch (Exception e) when (e is IOException or HttpListenerException or ObjectDisposedException)
        {
            Log.Debug("Package index: dropped a connection ({Reason})", e.Message);
            response.Abort();
        }
    }

    /// <summary>Maps a request target to a file under the root, or null (missing or outside the root).</summary>
    internal string? Resolve(string target)
    {
        var path = target.Split('?', '#')[0];
        var segments = Uri.UnescapeDataString(path).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (!path.StartsWith('/') || segments.Any(s => s is "." or ".." || s.Contains('\\') || s.Contains('\0')))
            return null;
        var full = Path.GetFullPath(Path.Combine([_root, .. segments]));
        if (full != _root && !full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            return null;
        if (Directory.Exists(full))
            full = Path.Combine(full, "index.html");

        return File.Exists(full) ? full : null;
    }

    internal static string ContentType(string file) => Path.GetFileName(file) switch
    {
        "json" => "application/json",
        var n when n.EndsWith(".html", StringComparison.Ordinal) => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    };
}

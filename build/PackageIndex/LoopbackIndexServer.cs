using System.Net;
using System.Net.Sockets;
using System.Text;
using Serilog;

namespace TemplateFleet.PackageIndex;

/// <summary>
/// Serves a folder of static files on http://127.0.0.1:&lt;free port&gt;/ for the duration of a build.
/// GET and HEAD only; one request per connection (Connection: close keeps it small and pip copes).
/// Requests for a folder serve its index.html; nothing outside the folder is reachable.
/// </summary>
public sealed class LoopbackIndexServer : IAsyncDisposable
{
    private readonly string _root;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _disposed;

    private LoopbackIndexServer(string root, int preferredPort)
    {
        _root = Path.GetFullPath(root);
        _listener = Listen(preferredPort);
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _acceptLoop = AcceptLoopAsync(_stop.Token);
    }

    public Uri BaseUrl { get; }

    /// <param name="preferredPort">Tried first (0: none). A stable URL keeps the build-arg, and so the
    /// cached pip layer, unchanged between builds; when taken, any free port is used.</param>
    public static LoopbackIndexServer Start(string root, int preferredPort = 0) => new(root, preferredPort);

    private static TcpListener Listen(int preferredPort)
    {
        if (preferredPort > 0)
        {
            var preferred = new TcpListener(IPAddress.Loopback, preferredPort);
            try
            {
                preferred.Start();
                return preferred;
            }
            catch (SocketException)
            {
                preferred.Dispose();
            }
        }

        var any = new TcpListener(IPAddress.Loopback, 0);
        any.Start();
        return any;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;

        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
            // Expected on shutdown.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client, ct), ct);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (method, target) = await ReadRequestAsync(stream, ct);
                await RespondAsync(stream, method, target, ct);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidDataException)
            {
                Log.Debug("Package index: dropped a connection ({Reason})", e.Message);
            }
        }
    }

    private static async Task<(string Method, string Target)> ReadRequestAsync(NetworkStream stream, CancellationToken ct)
    {
        // Read the head only (up to the blank line); GET/HEAD carry no body.
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (head.Length > 16 * 1024 || await stream.ReadAsync(buffer, ct) == 0)
                throw new InvalidDataException("incomplete request head");

            head.Append((char)buffer[0]);
        }

        var requestLine = head.ToString()[..head.ToString().IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
        if (requestLine.Length != 3)
            throw new InvalidDataException("malformed request line");

        return (requestLine[0], requestLine[1]);
    }

    private async Task RespondAsync(NetworkStream stream, string method, string target, CancellationToken ct)
    {
        if (method is not ("GET" or "HEAD"))
        {
            await WriteAsync(stream, 405, "Method Not Allowed", "text/plain", Encoding.UTF8.GetBytes("GET and HEAD only\n"), true, ct);
            return;
        }

        var file = Resolve(target);
        if (file is null)
        {
            await WriteAsync(stream, 404, "Not Found", "text/plain", Encoding.UTF8.GetBytes("not found\n"), method == "GET", ct);
            return;
        }

        await using var content = File.OpenRead(file);
        await WriteHeadAsync(stream, 200, "OK", ContentType(file), content.Length, ct);
        if (method == "GET")
            await content.CopyToAsync(stream, ct);
    }

    /// <summary>Maps a request target to a file under the root, or null (missing or outside the root).</summary>
    internal string? Resolve(string target)
    {
        var path = target.Split('?', '#')[0];
        if (!path.StartsWith('/'))
        {
            return null;
        }

        var segments = Uri.UnescapeDataString(path).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s is "." or ".." || s.Contains('\\') || s.Contains('\0')))
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine([_root, .. segments]));
        if (full != _root && !full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return null;
        }

        if (Directory.Exists(full))
            full = Path.Combine(full, "index.html");

        return File.Exists(full) ? full : null;
    }

    internal static string ContentType(string file) => Path.GetFileName(file) switch
    {
        "json" => "application/json",
        var n when n.EndsWith(".html", StringComparison.Ordinal) => "text/html; charset=utf-8",
        var n when n.EndsWith(".whl", StringComparison.Ordinal) => "application/octet-stream",
        _ => "application/octet-stream",
    };

    private static async Task WriteAsync(NetworkStream stream, int status, string reason, string type, byte[] body, bool withBody, CancellationToken ct)
    {
        await WriteHeadAsync(stream, status, reason, type, body.Length, ct);
        if (withBody)
            await stream.WriteAsync(body, ct);
    }

    private static Task WriteHeadAsync(NetworkStream stream, int status, string reason, string type, long length, CancellationToken ct) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: {type}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"), ct).AsTask();
}

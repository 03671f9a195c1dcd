using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace UnitTests.Forges;

/// <summary>Plain HTTP against a fake, for the tests that pin down what the fake itself answers.</summary>
public sealed class ForgeHttp(Uri apiUrl, string? token) : IDisposable
{
    readonly HttpClient http = new() { BaseAddress = apiUrl, Timeout = TimeSpan.FromSeconds(20) };

    public async Task<(int Status, JsonNode? Json, string Text)> SendAsync(string method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("token", token);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0)
            json = JsonNode.Parse(text);
        return ((int)response.StatusCode, json, text);
    }

    public Task<(int Status, JsonNode? Json, string Text)> GetAsync(string path) => SendAsync("GET", path);

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public void Dispose() => http.Dispose();
}

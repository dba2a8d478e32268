using System.Net.Http.Json;
using System.Text.Json;

namespace SyncKit.AspNetCore.Tests;

/// <summary>Calls the dashboard's JSON API the way a script would: fetches the antiforgery token once, then sends it with each action.</summary>
public sealed class ApiClient(HttpClient client) : IDisposable
{
    public HttpClient Http => client;

    public async Task UseAntiforgeryTokenAsync()
    {
        using var response = await client.GetAsync("/synckit/api/antiforgery");
        response.EnsureSuccessStatusCode();
        using var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        client.DefaultRequestHeaders.Add(token.RootElement.GetProperty("headerName").GetString()!, token.RootElement.GetProperty("token").GetString());
    }

    public Task<HttpResponseMessage> PostAsync(string path, object body) => client.PostAsJsonAsync(path, body);

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public void Dispose() => client.Dispose();
}

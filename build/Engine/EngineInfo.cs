namespace TemplateFleet.Engine;

/// <param name="Provisioned">True when this build installed/started the engine.</param>
/// <param name="LogFile">dockerd's log when we started it; null for an engine we only reuse.</param>
public sealed record EngineInfo(string ServerVersion, string ApiVersion, Uri Endpoint, bool Provisioned, string? LogFile);

namespace TemplateFleet.Gates;

/// <summary>A gate could not run its checks at all for one template (recorded as GateResult.Error).</summary>
public sealed class GateSetupException(string message) : Exception(message);

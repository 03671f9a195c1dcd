using TemplateFleet.Host;

namespace TemplateFleet.Fleet;

/// <summary>A parameter the fleet build cannot work with, found before any target runs: one line, exit 2.</summary>
public sealed class FleetUsageException(string message) : InvalidUsageException(message);

using TemplateFleet.Fleet;

namespace TemplateFleet.Tools;

/// <summary>A tool could not be installed or does not work: the message names the tool, its source and what to do.</summary>
public sealed class ToolException(string message) : FleetException(message);

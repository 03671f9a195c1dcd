using TemplateFleet.Host;

namespace TemplateFleet.Fleet;

/// <summary>
/// A failure the user can act on (bad input, missing engine, a gate that failed): a failed target to the host,
/// which prints <see cref="Exception.Message"/> alone, without a stack trace, and exits 1.
/// Messages name the file and line, template or parameter, and say what to do.
/// </summary>
public class FleetException(string message, Exception? inner = null) : TargetFailedException(message, inner);

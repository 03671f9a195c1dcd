namespace TemplateFleet.Fleet;

/// <summary>
/// A failure the user can act on (bad input, missing engine, a gate that failed). The host prints
/// <see cref="Exception.Message"/> alone, without a stack trace, and exits non-zero.
/// Messages name the file and line, template or parameter, and say what to do.
/// </summary>
public class FleetException(string message, Exception? inner = null) : Exception(message, inner);

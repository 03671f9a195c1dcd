namespace TemplateFleet.Host;

/// <summary>
/// A target failed for a reason the user can act on (Bullseye's TargetFailedException): the host prints the
/// message alone, without a stack trace, and the build exits 1. Any other exception is reported as a bug.
/// </summary>
public class TargetFailedException(string message, Exception? inner = null) : Exception(message, inner);

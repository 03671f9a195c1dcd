namespace TemplateFleet.Host;

/// <summary>The user invoked the build wrongly: printed as one line, exit code 2, nothing runs.</summary>
internal sealed class UsageException(string message) : Exception(message);

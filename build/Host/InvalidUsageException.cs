namespace TemplateFleet.Host;

/// <summary>
/// The build was invoked wrongly (Bullseye's InvalidUsageException): printed as one line, exit code 2, nothing
/// runs. Throw it, or a subtype, from OnBuildInitialized for a parameter the build cannot work with.
/// </summary>
public class InvalidUsageException(string message) : Exception(message);

namespace TemplateFleet.Host;

/// <summary>Log verbosity, NUKE's four levels.</summary>
public enum Verbosity
{
    Quiet,
    Minimal,
    Normal,
    Verbose,
}

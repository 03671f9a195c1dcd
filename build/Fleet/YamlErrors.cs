using YamlDotNet.Core;

namespace TemplateFleet.Fleet;

/// <summary>Collects the errors of one YAML file so they are reported together, each as
/// `file:line:column: message` with the file relative to the repository root.</summary>
internal sealed class YamlErrors(string displayPath)
{
    private readonly List<(long Line, long Column, string Text)> _errors = [];

    public bool Any => _errors.Count > 0;
    public IEnumerable<string> Messages => _errors.OrderBy(e => e.Line).ThenBy(e => e.Column).Select(e => e.Text);

    public void Add(Mark at, string message) =>
        _errors.Add((at.Line, at.Column, $"{displayPath}:{at.Line}:{at.Column}: {message}"));

    /// <summary>An error about the file as a whole (missing, unreadable).</summary>
    public void AddFileError(string message) => _errors.Add((0, 0, $"{displayPath}: {message}"));

    public void ThrowIfAny()
    {
        if (Any)
            throw new FleetException(string.Join(Environment.NewLine, Messages));
    }
}

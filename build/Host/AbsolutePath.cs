namespace TemplateFleet.Host;

/// <summary>A normalised absolute path that composes with <c>/</c>, as NUKE's AbsolutePath does; equal when the text is
/// (a record).</summary>
public sealed record AbsolutePath
{
    private readonly string _path;

    private AbsolutePath(string path) => _path = path;

    public static AbsolutePath Create(string path)
    {
        if (!Path.IsPathRooted(path))
            throw new ArgumentException($"'{path}' is not an absolute path.", nameof(path));

        var full = Path.GetFullPath(path);
        // Keep "/" itself, drop any other trailing separator so equal paths compare equal.
        return new AbsolutePath(full.Length > 1 ? full.TrimEnd(Path.DirectorySeparatorChar) : full);
    }

    public AbsolutePath? Parent => Path.GetDirectoryName(_path) is { } parent ? new AbsolutePath(parent) : null;

    public bool FileExists() => File.Exists(_path);

    public static AbsolutePath operator /(AbsolutePath left, string right) => Create(Path.Combine(left._path, right));

    public static implicit operator string(AbsolutePath path) => path._path;

    public static implicit operator AbsolutePath(string path) => Create(path);

    public override string ToString() => _path;
}

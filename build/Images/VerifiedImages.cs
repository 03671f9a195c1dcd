namespace TemplateFleet.Images;

/// <summary>
/// Image ids (content addresses) that already passed the post-build checks, one "id version command" a
/// line under output/: a fully cached rebuild skips re-proving the very same image. Thread-safe.
/// </summary>
public sealed class VerifiedImages(string file)
{
    private readonly Lock _lock = new();
    private HashSet<string>? _keys;

    public bool Contains(string key)
    {
        lock (_lock)
        {
            return Keys().Contains(key);
        }
    }

    public void Add(string key)
    {
        lock (_lock)
        {
            if (Keys().Add(key))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.AppendAllLines(file, [key]);
            }
        }
    }

    private HashSet<string> Keys() =>
        _keys ??= File.Exists(file) ? [.. File.ReadAllLines(file).Where(l => l.Length > 0)] : [];
}

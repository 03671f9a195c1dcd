using System.Security.Cryptography;
using System.Text;

namespace TemplateFleet.Host;

/// <summary>
/// For --continue: the last invocation (hashed, since it may hold secrets) and the targets that succeeded in it,
/// kept in .nuke/temp/build-attempt.log and updated after each target.
/// </summary>
internal sealed class ContinueState
{
    private readonly AbsolutePath _file;
    private readonly string _invocation;
    private readonly List<string> _succeeded = [];

    private ContinueState(AbsolutePath file, string invocation)
    {
        _file = file;
        _invocation = invocation;
    }

    /// <summary>Targets to skip because they succeeded in the identical previous invocation.</summary>
    public IReadOnlySet<string> PreviouslySucceeded { get; private set; } = new HashSet<string>();
    /// <summary>--continue was given but the stored invocation differs (or there is none).</summary>
    public bool Mismatch { get; private set; }

    public static ContinueState Start(AbsolutePath file, IReadOnlyList<string> invocation, bool resume)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0', invocation))));
        var state = new ContinueState(file, hash);
        if (resume)
        {
            var lines = file.FileExists() ? File.ReadAllLines(file) : [];
            if (lines.Length > 0 && lines[0] == hash)
            {
                state.PreviouslySucceeded = lines.Skip(1).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal);
                state._succeeded.AddRange(state.PreviouslySucceeded);
            }
            else
                state.Mismatch = true;
        }

        state.Save();
        return state;
    }

    public void Succeeded(ExecutableTarget target)
    {
        if (!_succeeded.Contains(target.Name))
        {
            _succeeded.Add(target.Name);
            Save();
        }
    }

    private void Save()
    {
        Directory.CreateDirectory(_file.Parent!);
        File.WriteAllLines(_file, _succeeded.Prepend(_invocation));
    }
}

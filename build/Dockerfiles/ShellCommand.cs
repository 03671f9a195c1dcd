using System.Text;
using System.Text.RegularExpressions;

namespace TemplateFleet.Dockerfiles;

/// <summary>A word of a shell command with quotes removed; <see cref="Offset"/> is where it starts in the RUN text.</summary>
public sealed record ShellWord(string Text, int Offset);

/// <summary>
/// One simple command of a RUN line (`a && b | c` has three), split by a small POSIX-ish tokenizer: quotes,
/// backslashes, $(...) and the operators && || | ; &amp; ( ). Enough to see what is installed and how it is
/// pinned; not a shell.
/// </summary>
public sealed partial record ShellCommand(IReadOnlyList<ShellWord> Words, int Start, int End, bool PipesIntoNext)
{
    /// <summary>Words with leading VAR=value assignments and wrappers (sudo, env, then, do, !) removed.</summary>
    public IReadOnlyList<ShellWord> Program =>
        Words.SkipWhile(w => Assignment().IsMatch(w.Text) || Wrappers.Contains(w.Text)).Where(w => !Redirection().IsMatch(w.Text)).ToList();

    /// <summary>The program's file name (basename), or "".</summary>
    public string Name => Program.Count == 0 ? "" : Path.GetFileName(Program[0].Text);

    private static readonly HashSet<string> Wrappers = ["sudo", "env", "command", "exec", "time", "nice", "then", "do", "else", "elif", "if", "while", "until", "!", "{"];

    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]*=")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"\A[0-9]*(>>?|<)(&[0-9-])?")]
    private static partial Regex Redirection();

    public static IReadOnlyList<ShellCommand> Split(string script)
    {
        var commands = new List<ShellCommand>();
        var words = new List<ShellWord>();
        var word = new StringBuilder();
        var wordStart = -1;
        var commandStart = 0;
        var i = 0;

        while (i < script.Length)
        {
            var c = script[i];
            if (c is ' ' or '\t')
            {
                EndWord();
                i++;
                continue;
            }
            if (c is '\n' or ';' or '&' or '|' or '(' or ')')
            {
                EndWord();
                var pipe = c == '|' && (i + 1 >= script.Length || script[i + 1] != '|');
                EndCommand(i, pipe);
                i += i + 1 < script.Length && (script[i + 1] == c && c is '&' or '|') ? 2 : 1;
                commandStart = i;
                continue;
            }
            if (wordStart < 0)
                wordStart = i;
            switch (c)
            {
                case '\\' when i + 1 < script.Length:
                    word.Append(script[i + 1]);
                    i += 2;
                    break;
                case '\'':
                    var close = script.IndexOf('\'', i + 1);
                    close = close < 0 ? script.Length : close;
                    word.Append(script, i + 1, close - i - 1);
                    i = close + 1;
                    break;
                case '"':
                    i++;
                    while (i < script.Length && script[i] != '"')
                    {
                        if (script[i] == '\\' && i + 1 < script.Length && script[i + 1] is '"' or '\\' or '$' or '`')
                            i++;
                        word.Append(script[i]);
                        i++;
                    }
                    i++;
                    break;
                case '$' when i + 1 < script.Length && script[i + 1] == '(':
                    // Command substitution stays one word: its inner operators do not split the outer command.
                    var depth = 0;
                    var start = i;
                    i++; // onto the '('
                    do
                    {
                        depth += script[i] == '(' ? 1 : script[i] == ')' ? -1 : 0;
                        i++;
                    }
                    while (i < script.Length && depth > 0);
                    word.Append(script, start, i - start);
                    break;
                default:
                    word.Append(c);
                    i++;
                    break;
            }
        }
        EndWord();
        EndCommand(script.Length, pipe: false);
        return commands;

        void EndWord()
        {
            if (wordStart >= 0)
            {
                words.Add(new ShellWord(word.ToString(), wordStart));
                word.Clear();
                wordStart = -1;
            }
        }

        void EndCommand(int end, bool pipe)
        {
            if (words.Count > 0)
            {
                commands.Add(new ShellCommand(words.ToList(), commandStart, end, pipe));
                words.Clear();
            }
        }
    }
}

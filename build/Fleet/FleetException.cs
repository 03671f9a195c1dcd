using TemplateFleet.Host;

namespace TemplateFleet.Fleet;

/// <summary>
/// A failure the user can act on (bad input, missing engine, a gate that failed): a failed target to the host,
/// which prints <see cref="Exception.Message"/> alone, without a stack trace, and exits 1.
/// Messages name the file and line, template or parameter, and say what to do.
/// </summary>
public class FleetException(string message, Exception? inner = null) : TargetFailedException(message, inner)
{
    /// <summary><paramref name="each"/> of every item, in order; when some fail, one exception with all their
    /// messages, one per line, so the user sees every mistake at once.</summary>
    public static IReadOnlyList<TResult> Collect<T, TResult>(IEnumerable<T> items, Func<T, TResult> each)
    {
        var results = new List<TResult>();
        var messages = new List<string>();
        foreach (var item in items)
        {
            try
            {
                results.Add(each(item));
            }
            catch (FleetException e)
            {
                messages.Add(e.Message);
            }
        }
        return messages.Count == 0 ? results : throw new FleetException(string.Join(Environment.NewLine, messages));
    }
}

/// <summary>A parameter the fleet build cannot work with, found before any target runs: one line, exit 2.</summary>
public sealed class FleetUsageException(string message) : InvalidUsageException(message);

namespace TemplateFleet.Fleet;

/// <summary>
/// Who a smoke check or a contract probe runs as, and the uid the gates exec with: `agent` is uid 1000 by
/// contract (not whatever the image calls uid 1000), `root` is uid 0. Both loaders accept these names only.
/// </summary>
public static class CheckUsers
{
    public const string Agent = "agent";
    public const string Root = "root";

    private static readonly IReadOnlyDictionary<string, string> Uids = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Agent] = "1000",
        [Root] = "0",
    };

    /// <summary>"agent or root", for messages.</summary>
    public static string Known => string.Join(" or ", Uids.Keys);

    public static bool IsKnown(string user) => Uids.ContainsKey(user);

    /// <summary>The uid to exec as; only names the loaders accepted get here.</summary>
    public static string ExecUser(string user) =>
        Uids.TryGetValue(user, out var uid) ? uid : throw new ArgumentException($"'{user}' is not a check user; use {Known}", nameof(user));

    public static string RootUid => Uids[Root];
}

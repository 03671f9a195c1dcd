namespace TemplateFleet.Fleet;

/// <summary>
/// Who a smoke check or a contract probe runs as, and the uid the gates exec with: `agent` is uid 1000 by
/// contract (not whatever the image calls uid 1000), `root` is uid 0. Both loaders accept these names only.
/// </summary>
public static class CheckUsers
{
    public const string Agent = "agent";
    public const string Root = "root";
    public const string RootUid = "0";

    /// <summary>"agent or root", for messages.</summary>
    public static string Known => $"{Agent} or {Root}";

    public static bool IsKnown(string user) => user is Agent or Root;

    /// <summary>The uid to exec as; only names the loaders accepted get here.</summary>
    public static string ExecUser(string user) => user switch
    {
        Agent => "1000",
        Root => RootUid,
        _ => throw new ArgumentException($"'{user}' is not a check user; use {Known}", nameof(user)),
    };
}

using System.Security.Cryptography;

namespace UnitTests.SupplyChain;

/// <summary>Credential-shaped strings made at run time, so the repository (and its own change scan) never holds one.</summary>
public static class TestTokens
{
    /// <summary>The shape of a GitHub personal access token: "ghp_" and 36 letters and digits.</summary>
    public static string GitHub() =>
        "ghp" + "_" + new string(RandomNumberGenerator.GetItems<char>("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36));
}

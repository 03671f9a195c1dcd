using TemplateFleet.Fleet;

namespace UnitTests.Fleet;

public sealed class CheckUsersTests
{
    [Fact]
    public void Agent_is_uid_1000_and_root_is_uid_0()
    {
        Assert.Equal("1000", CheckUsers.ExecUser("agent"));
        Assert.Equal("0", CheckUsers.ExecUser("root"));
        Assert.Equal("0", CheckUsers.RootUid);
        Assert.Equal("agent or root", CheckUsers.Known);
    }

    [Theory]
    [InlineData("1001")]
    [InlineData("Agent")]
    [InlineData("")]
    public void Any_other_user_is_refused(string user)
    {
        Assert.False(CheckUsers.IsKnown(user));
        Assert.Contains("use agent or root", Assert.Throws<ArgumentException>(() => CheckUsers.ExecUser(user)).Message);
    }
}

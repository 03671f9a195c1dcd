using TemplateFleet.Fleet;
using TemplateFleet.Results;

namespace UnitTests.Results;

public sealed class CheckoutLockTests : IDisposable
{
    readonly string output = Directory.CreateTempSubdirectory("checkout-lock-").FullName;

    [Fact]
    public void A_second_build_of_the_checkout_waits_then_fails_naming_the_lock_and_what_to_do()
    {
        using var first = ResultStore.LockCheckout(output, TimeSpan.FromSeconds(1));

        var e = Assert.Throws<FleetException>(() => ResultStore.LockCheckout(output, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(50)));

        Assert.Equal($"another build has run in this checkout for longer than 0 min ({Path.Combine(output, ResultStore.LockFile)} is held): "
            + "wait for it to end, stop it, or run this build in another clone.", e.Message);
    }

    [Fact]
    public async Task The_second_build_goes_on_once_the_first_ends()
    {
        var first = ResultStore.LockCheckout(output, TimeSpan.FromSeconds(1));
        var second = Task.Run(() => ResultStore.LockCheckout(output, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50)));
        await Task.Delay(300);
        Assert.False(second.IsCompleted);

        first.Dispose();

        using var taken = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(File.Exists(Path.Combine(output, ResultStore.LockFile)));
    }

    public void Dispose() => Directory.Delete(output, recursive: true);
}

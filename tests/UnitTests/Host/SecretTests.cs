namespace TemplateFleet.UnitTests.Host;

[Collection("host")]
public sealed class SecretTests
{
    private const string Password = "hunter2-very-secret";

    [Fact]
    public void Secret_values_are_masked_in_logs_exceptions_and_the_summary()
    {
        using var host = new HostHarness();
        host.Environment["REGISTRY_PASSWORD"] = Password;

        var result = host.Run<ParameterBuild>("Leak");

        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain(Password, result.Out + result.Error);
        Assert.Contains("structured *****", result.Out);
        Assert.Contains("interpolated *****", result.Out);
        Assert.Contains("login failed for password *****", result.Out);
        Assert.Matches(@"Leak\s+Failed\s+.*password \*\*\*\*\*", result.Row("Leak"));
    }

    [Fact]
    public void Secret_values_are_masked_in_verbose_stack_traces()
    {
        using var host = new HostHarness();

        var result = host.Run<ParameterBuild>("Leak", "--registry-password", Password, "--verbosity", "verbose");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("   at ", result.Out);
        Assert.DoesNotContain(Password, result.Out + result.Error);
    }

    [Fact]
    public void Secret_values_are_masked_in_help()
    {
        using var host = new HostHarness();
        host.WriteFile(".nuke/parameters.json", $$"""{ "RegistryPassword": "{{Password}}" }""");

        var result = host.Run<ParameterBuild>("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain(Password, result.Out);
        Assert.Matches(@"--registry-password <string>\s+Registry password\s+= \*\*\*\*\*  \(\.nuke/parameters\.json\) \[secret\]", result.Out);
    }

    [Fact]
    public void Secret_values_are_masked_in_usage_errors()
    {
        using var host = new HostHarness();

        var result = host.Run<ParameterBuild>("Show", "--registry-password", Password, "--retries", Password);

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain(Password, result.Error);
        Assert.Contains("Parameter Retries from command line (--retries): '*****' is not a valid int", result.Error);
    }
}

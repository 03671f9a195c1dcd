using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("TemplateFleet.IntegrationTests.Support.ClassOrderFramework", "IntegrationTests")]
[assembly: TestCollectionOrderer("TemplateFleet.IntegrationTests.Support.ClassOrder", "IntegrationTests")]

namespace TemplateFleet.IntegrationTests.Support;

/// <summary>
/// The order test collections and the classes inside each run in: collections by <see cref="StartsEarlyAttribute"/>
/// (xunit runs as many collections at once as there are cores and starts them in this order, so the longest ones
/// start first), then by the name of their first class; classes by full name; or all of it reversed with
/// TEST_CLASS_ORDER=reverse. With collection parallelisation off
/// (`dotnet test ... -- xUnit.ParallelizeTestCollections=false`) that is the order classes run in, so a class that
/// passes only after another one ran shows up (tests/IntegrationTests/README.md, "Order"). The order used is
/// written to output/test-results/class-order.txt.
/// </summary>
public sealed class ClassOrder : ITestCollectionOrderer
{
    public static bool Reverse => string.Equals(Environment.GetEnvironmentVariable("TEST_CLASS_ORDER"), "reverse", StringComparison.OrdinalIgnoreCase);

    // A collection's place: that of its first class in the class order (set before the assembly runner starts).
    static readonly Dictionary<string, int> CollectionRank = [];
    static string[] classes = [];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
    {
        lock (CollectionRank)
        {
            var forward = testCollections
                .OrderBy(c => c.CollectionDefinition?.GetCustomAttributes(typeof(StartsEarlyAttribute)).SingleOrDefault()?.GetConstructorArguments().Cast<int>().Single() ?? int.MaxValue)
                .ThenBy(c => CollectionRank.GetValueOrDefault(c.UniqueID.ToString(), int.MaxValue))
                .ThenBy(c => c.DisplayName, StringComparer.Ordinal)
                .ToList();
            if (Reverse)
                forward.Reverse();
            Write([.. forward.Select(c => "collection\t" + c.DisplayName), .. classes]);
            return forward;
        }
    }

    /// <summary>Test cases ordered by class (each class's own cases keep their order), in the order of <see cref="Reverse"/>.</summary>
    public static IEnumerable<IXunitTestCase> Classes(IEnumerable<IXunitTestCase> testCases)
    {
        var ordered = Apply(testCases.GroupBy(t => t.TestMethod.TestClass.Class.Name), g => g.Key).ToList();
        lock (CollectionRank)
        {
            CollectionRank.Clear();
            foreach (var (group, rank) in ordered.Select((g, i) => (g, i)))
                CollectionRank.TryAdd(group.First().TestMethod.TestClass.TestCollection.UniqueID.ToString(), rank);
            classes = [.. ordered.Select(g => $"class\t{g.Key}\t{g.First().TestMethod.TestClass.TestCollection.DisplayName}")];
        }
        return ordered.SelectMany(g => g);
    }

    static IEnumerable<T> Apply<T>(IEnumerable<T> items, Func<T, string> key) =>
        Reverse ? items.OrderByDescending(key, StringComparer.Ordinal) : items.OrderBy(key, StringComparer.Ordinal);

    static void Write(IEnumerable<string> lines)
    {
        try
        {
            var file = RepositoryRoot.Combine("output", "test-results", "class-order.txt");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllLines(file, [$"# {(Reverse ? "reverse" : "forward")} order (TEST_CLASS_ORDER): collections as they start, then classes", .. lines]);
        }
        catch (IOException)
        {
            // a report only
        }
    }
}

/// <summary>On a collection definition: its collection starts before those with a higher number or none (the ones
/// that build the most first, so the short ones fill the other cores while they run).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StartsEarlyAttribute(int rank) : Attribute
{
    public int Rank { get; } = rank;
}

/// <summary>xunit's own framework, with the test cases handed to the assembly runner in <see cref="ClassOrder"/>:
/// xunit 2 groups them into collections and classes in the order it receives them (it has no class orderer).</summary>
public sealed class ClassOrderFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new XunitTestAssemblyRunner(TestAssembly, ClassOrder.Classes(testCases), DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }
}

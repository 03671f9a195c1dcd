using System.Linq.Expressions;

namespace TemplateFleet.Host;

/// <summary>Collects what a <see cref="Target"/> delegate declares; resolved into an <see cref="ExecutableTarget"/>.</summary>
internal sealed class TargetDefinition : ITargetDefinition
{
    public string? DescriptionText { get; private set; }
    public List<Target> DependsOnTargets { get; } = [];
    public List<Target> AfterTargets { get; } = [];
    public List<Target> BeforeTargets { get; } = [];
    public List<Expression<Func<bool>>> StaticConditions { get; } = [];
    public List<Expression<Func<bool>>> DynamicConditions { get; } = [];
    public bool IsProceedAfterFailure { get; private set; }
    public bool IsUnlisted { get; private set; }
    public List<Action> Requirements { get; } = [];
    public List<Func<Task>> Actions { get; } = [];

    public ITargetDefinition Description(string description) => With(() => DescriptionText = description);
    public ITargetDefinition DependsOn(params Target[] targets) => With(() => DependsOnTargets.AddRange(targets));
    public ITargetDefinition After(params Target[] targets) => With(() => AfterTargets.AddRange(targets));
    public ITargetDefinition Before(params Target[] targets) => With(() => BeforeTargets.AddRange(targets));
    public ITargetDefinition OnlyWhenStatic(params Expression<Func<bool>>[] conditions) => With(() => StaticConditions.AddRange(conditions));
    public ITargetDefinition OnlyWhenDynamic(params Expression<Func<bool>>[] conditions) => With(() => DynamicConditions.AddRange(conditions));
    public ITargetDefinition ProceedAfterFailure() => With(() => IsProceedAfterFailure = true);
    public ITargetDefinition Unlisted() => With(() => IsUnlisted = true);
    public ITargetDefinition Requires(Action check) => With(() => Requirements.Add(check));
    public ITargetDefinition Executes(Func<Task> action) => With(() => Actions.Add(action));

    public ITargetDefinition Executes(Action action) => Executes(() =>
    {
        action();
        return Task.CompletedTask;
    });

    /// <summary>Every member records one thing and hands the definition back for the next call.</summary>
    private TargetDefinition With(Action record)
    {
        record();
        return this;
    }
}

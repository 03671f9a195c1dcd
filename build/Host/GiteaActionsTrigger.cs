namespace TemplateFleet.Host;

/// <summary>The events a generated workflow runs on (<see cref="GiteaActionsAttribute.On"/>).</summary>
public enum GiteaActionsTrigger
{
    Push,
    PullRequest,
    WorkflowDispatch,
}

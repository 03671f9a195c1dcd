namespace TemplateFleet.Publishing;

/// <summary>
/// A check Publish runs on an image before it pushes it (the supply chain's gate), given among the contributors.
/// Throwing refuses that image: nothing is pushed and no pin is written, as for any publish failure.
/// </summary>
public interface IPrePushCheck
{
    Task BeforePushAsync(string name, string imageId, CancellationToken ct);
}

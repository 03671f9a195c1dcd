namespace TemplateFleet.Host;

/// <summary>Marks a field or property of the build class as a parameter (NUKE's <c>[Parameter]</c>).</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ParameterAttribute(string? description = null) : Attribute
{
    public string? Description { get; } = description;
}

/// <summary>The value is masked ("*****") in help, plan, logs, summary and error messages.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;

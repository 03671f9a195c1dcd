namespace TemplateFleet.Images;

/// <summary>The build args the fleet's Dockerfiles declare (templates/base/Dockerfile, templates/&lt;name&gt;/Dockerfile).</summary>
public static class BuildArgNames
{
    public const string OsImage = "OS_IMAGE";
    public const string NodePackage = "NODE_PACKAGE";
    public const string NodeVersion = "NODE_VERSION";
    public const string NpmVersion = "NPM_VERSION";
    public const string BaseImage = "BASE_IMAGE";
    public const string AgentVersion = "AGENT_VERSION";
    public const string RuntimeVersion = "RUNTIME_VERSION";
    public const string PipIndexUrl = "PIP_INDEX_URL";
}

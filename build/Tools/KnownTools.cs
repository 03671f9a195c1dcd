namespace TemplateFleet.Tools;

/// <summary>The names of build/Tools/tools.yaml that code asks for (a unit test keeps them in step with the file).</summary>
public static class KnownTools
{
    public const string Cosign = "cosign";
    public const string Trivy = "trivy";
    public const string Pwsh = "pwsh";
    public const string Shellcheck = "shellcheck";
    public const string Dockerd = "dockerd";
    public const string Containerd = "containerd";
    public const string Runc = "runc";
    public const string WorkflowParser = "workflow-parser";
    public const string Verdaccio = "verdaccio";

    public const string Upx = "upx";

    public static readonly IReadOnlyList<string> All = [Cosign, Trivy, Pwsh, Shellcheck, Dockerd, Containerd, Runc, WorkflowParser, Verdaccio, Upx];
}

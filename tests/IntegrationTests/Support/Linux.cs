// The integration tests drive Debian's engine, dockerd in namespaces, unshare and /proc: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

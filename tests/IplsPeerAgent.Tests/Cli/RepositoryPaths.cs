namespace IplsPeerAgent.Tests.Cli;

internal static class RepositoryPaths
{
    /// <summary>The checkout root, found by walking up to IplsWeb.sln.</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IplsWeb.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("IplsWeb.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string DefaultModel => Path.Combine(Root, "IplsPeerAgent", "Models", "default.iplsm");
}

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

    /// <summary>
    /// The agent as built in its own project (same configuration as the tests). Not the copy in the
    /// test output: that one's runtimeconfig lacks what the test's ASP.NET framework reference provides.
    /// </summary>
    public static string AgentDll
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string framework = testOutput.Name;
            string configuration = testOutput.Parent!.Name;
            return Path.Combine(Root, "IplsPeerAgent", "bin", configuration, framework, "ipls-agent.dll");
        }
    }

    public static string DefaultModel => Path.Combine(Root, "IplsAgent", "Models", "default.iplsm");
}

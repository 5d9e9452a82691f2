namespace IplsWeb.BrowserTests;

/// <summary>docs/images of the repository the tests run from (pictures refreshed with IPLS_UPDATE_DOCS_IMAGES=1).</summary>
internal static class DocsImages
{
    public static string Folder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IplsWeb.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("IplsWeb.sln not found above " + AppContext.BaseDirectory), "docs", "images");
    }
}

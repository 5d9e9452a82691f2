namespace IplsWeb.Hosting;

/// <summary>
/// One dashboard per data directory: an exclusive lock on <c>dashboard.lock</c> held for the process's
/// life (the OS drops it when the process ends, even on kill -9). A second dashboard on the same
/// directory, whatever its ports, refuses to start instead of writing the same history beside it.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "dashboard.lock";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        string directory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        FileStream file;
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Linux.
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            // The file names the holder's pid for `cat` (which takes no lock); .NET's own read would.
            throw new DashboardConfigurationException(
                $"Dashboard:DataDirectory = \"{directory}\" is in use by another dashboard ({path} is locked; it names the holder's pid): stop that one or give this one another data directory",
                ex);
        }

        file.SetLength(0);
        using (var writer = new StreamWriter(file, leaveOpen: true))
        {
            writer.Write($"pid {Environment.ProcessId}, started {DateTimeOffset.UtcNow:O}\n");
        }

        file.Flush(flushToDisk: false);
        return new DataDirectoryLock(file);
    }

    public void Dispose() => _file.Dispose();
}

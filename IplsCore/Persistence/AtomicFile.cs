namespace IplsCore.Persistence;

/// <summary>
/// Writes a file so that readers see either the old or the new content, never a torn one: a crash
/// during a checkpoint must not destroy the previous checkpoint.
/// </summary>
public static class AtomicFile
{
    /// <summary>rw------- : for files that hold secrets (tokens, keys, a configuration with passwords).</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <param name="path">The file to replace.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="unixMode">
    /// On Unix, the mode the file is created with (<see cref="OwnerOnly"/> for secrets), so it is never
    /// readable by others, not even between creating and a later chmod; null keeps the umask's.
    /// </param>
    public static void Write(string path, Action<Stream> write, UnixFileMode? unixMode = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        string temp = fullPath + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = System.IO.FileAccess.Write, Share = FileShare.None };
            if (unixMode is { } mode && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = mode;
            }

            // A leftover of a crashed writer with the same process id would keep its own mode under FileMode.Create.
            File.Delete(temp);
            using (var stream = new FileStream(temp, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}

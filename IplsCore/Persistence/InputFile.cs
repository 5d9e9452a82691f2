namespace IplsCore.Persistence;

/// <summary>Opens a user-named file, turning the usual I/O failures into one-line <see cref="ModelFormatException"/>s.</summary>
public static class InputFile
{
    public static FileStream OpenRead(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string name = Path.GetFileName(path);
        try
        {
            return new FileStream(path, FileMode.Open, System.IO.FileAccess.Read, FileShare.Read);
        }
        catch (FileNotFoundException ex)
        {
            throw new ModelFormatException($"{name}: file not found", ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new ModelFormatException($"{name}: file not found", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ModelFormatException($"{name}: permission denied", ex);
        }
        catch (IOException ex)
        {
            throw new ModelFormatException($"{name}: cannot read ({ex.Message})", ex);
        }
    }

    /// <summary>Reads a whole (small) file into memory with the same error mapping.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        using var stream = OpenRead(path);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}

using IplsCore.Persistence.Reference.Java;

namespace IplsCore.Persistence.Reference;

/// <summary>
/// Reads the reference (Java/Deeplearning4j) system's flat model parameter file "ad_ipls_params":
/// a Java-serialized list of doubles. Accepted top-level objects are Guava's Doubles$DoubleArrayAsList
/// (what the reference writes; shaded or not), java.util.ArrayList or Arrays$ArrayList of java.lang.Double,
/// and a plain double[] or Double[].
/// </summary>
public static class ReferenceParameterReader
{
    private const string FormatName = "Java serialization stream";
    private const string GuavaListSuffix = ".primitives.Doubles$DoubleArrayAsList";
    private const int MaxFileBytes = 256 * 1024 * 1024;

    private static ReadOnlySpan<byte> Magic => [0xAC, 0xED, 0x00, 0x05];

    /// <summary>True when <paramref name="header"/> starts with the Java serialization magic and version (AC ED 00 05).</summary>
    public static bool IsJavaSerialization(ReadOnlySpan<byte> header) =>
        header.StartsWith(Magic);

    /// <summary>Reads a parameter file; errors name the file.</summary>
    /// <exception cref="ModelFormatException">The content is not a valid parameter list.</exception>
    public static double[] ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = File.OpenRead(path);
        return Read(stream, Path.GetFileName(path));
    }

    /// <summary>Reads all parameters from the stream, which must hold exactly one serialized list.</summary>
    /// <param name="stream">Read from its current position to the end.</param>
    /// <param name="sourceName">Starts every error message, e.g. the file name.</param>
    /// <exception cref="ModelFormatException">The content is not a valid parameter list.</exception>
    public static double[] Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var cursor = BigEndianCursor.FromStream(stream, MessageText.Source(sourceName), FormatName, MaxFileBytes);
        if (ReferenceScalerReader.IsNd4jNormalizer(cursor.Data))
        {
            throw cursor.Error("this is an ND4J normalizer (scaler) file, not a model parameter file");
        }

        object? root = JavaStreamParser.ReadSingleObject(cursor);
        (double[] values, int backingStart) = root switch
        {
            JavaObject list when list.ClassDesc.Name.EndsWith(GuavaListSuffix, StringComparison.Ordinal) => FromGuavaList(cursor, list),
            JavaObject { ClassDesc.Name: "java.util.ArrayList" } list => (FromArrayList(cursor, list), 0),
            JavaObject { ClassDesc.Name: "java.util.Arrays$ArrayList" } list => (FromArraysAsList(cursor, list), 0),
            JavaArray { Elements: double[] array } => (array, 0),
            JavaArray { Elements: object?[] boxed } => (Unbox(cursor, boxed), 0),
            _ => throw cursor.Error($"the stream holds {Describe(root)}, expected a list of doubles (Guava Doubles$DoubleArrayAsList, java.util.ArrayList of Double, or double[])"),
        };

        if (values.Length == 0)
        {
            throw cursor.Error("the parameter list is empty");
        }

        RequireFinite(cursor, values, backingStart);
        return values;
    }

    private static (double[] Values, int BackingStart) FromGuavaList(BigEndianCursor cursor, JavaObject list)
    {
        double[] array = GetField<JavaArray>(cursor, list, "array", "a double[]").Elements as double[]
            ?? throw cursor.Error($"field 'array' of {MessageText.Quote(list.ClassDesc.Name)} is not a double[]");
        int start = GetField<int>(cursor, list, "start", "an int");
        int end = GetField<int>(cursor, list, "end", "an int");

        // The list is a view of array[start..end); the backing array may hold more than the list.
        if (start < 0 || end < start || end > array.Length)
        {
            throw cursor.Error($"invalid list range start={start}, end={end} for a backing array of {array.Length} doubles");
        }

        return (start == 0 && end == array.Length ? array : array[start..end], start);
    }

    private static double[] FromArrayList(BigEndianCursor cursor, JavaObject list)
    {
        int size = GetField<int>(cursor, list, "size", "an int");

        // ArrayList.writeObject writes its capacity as block data, then each element.
        JavaClassData data = list.ClassData[^1];
        object?[] elements = data.Annotations.Where(item => item is not JavaBlockData).ToArray();
        if (elements.Length != size)
        {
            throw cursor.Error($"java.util.ArrayList declares size {size} but holds {elements.Length} elements");
        }

        return Unbox(cursor, elements);
    }

    private static double[] FromArraysAsList(BigEndianCursor cursor, JavaObject list)
    {
        JavaArray array = GetField<JavaArray>(cursor, list, "a", "an array");
        return array.Elements is object?[] boxed
            ? Unbox(cursor, boxed)
            : throw cursor.Error($"field 'a' of java.util.Arrays$ArrayList is {Describe(array)}, expected an array of java.lang.Double");
    }

    private static double[] Unbox(BigEndianCursor cursor, object?[] elements)
    {
        var values = new double[elements.Length];
        for (int i = 0; i < elements.Length; i++)
        {
            values[i] = elements[i] is JavaObject { ClassDesc.Name: "java.lang.Double" } boxed
                && boxed.TryGetField("value", out object? value) && value is double number
                    ? number
                    : throw cursor.Error($"list element {i} is {Describe(elements[i])}, expected a java.lang.Double");
        }

        return values;
    }

    private static T GetField<T>(BigEndianCursor cursor, JavaObject obj, string name, string expected)
    {
        if (!obj.TryGetField(name, out object? value))
        {
            throw cursor.Error($"class {MessageText.Quote(obj.ClassDesc.Name)} has no field '{name}'");
        }

        return value is T typed
            ? typed
            : throw cursor.Error($"field '{name}' of {MessageText.Quote(obj.ClassDesc.Name)} is {Describe(value)}, expected {expected}");
    }

    private static void RequireFinite(BigEndianCursor cursor, double[] values, int backingStart)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                string backing = backingStart == 0 ? string.Empty : $" (backing array index {backingStart + i})";
                throw cursor.Error($"parameter at index {i}{backing} of {values.Length} is {values[i]}; parameters must be finite");
            }
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        JavaObject obj => $"an object of class {MessageText.Quote(obj.ClassDesc.Name)}",
        JavaArray array => $"an array of class {MessageText.Quote(array.ClassDesc.Name)}",
        JavaClassDesc desc => $"a class descriptor for {MessageText.Quote(desc.Name)}",
        string => "a string",
        _ => $"a {value.GetType().Name} value",
    };
}

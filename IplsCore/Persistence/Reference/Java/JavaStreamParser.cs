using System.Buffers.Binary;

namespace IplsCore.Persistence.Reference.Java;

/// <summary>
/// Parses the Java Object Serialization Stream Protocol (version 5) into a small object model
/// (<see cref="JavaObject"/>, <see cref="JavaArray"/>, strings, boxed primitives). It follows class
/// descriptors and handles generically, so it needs no knowledge of the classes; the caller decides
/// what the objects mean. Proxies, enums, class objects and old-style externalizable data are rejected.
/// </summary>
internal sealed class JavaStreamParser
{
    public const ushort StreamMagic = 0xACED;
    public const ushort StreamVersion = 5;

    private const int BaseHandle = 0x7E0000;

    // Nesting is tiny in real files; the limit only stops crafted input from overflowing the stack.
    private const int MaxDepth = 100;

    private readonly BigEndianCursor _cursor;
    private readonly List<object?> _handles = [];
    private int _depth;

    private JavaStreamParser(BigEndianCursor cursor) => _cursor = cursor;

    /// <summary>
    /// Reads the stream header and exactly one top-level object. Trailing bytes are an error: they mean the
    /// file holds more than we understood, so we would rather not guess.
    /// </summary>
    public static object? ReadSingleObject(BigEndianCursor cursor)
    {
        ushort magic = cursor.ReadUInt16("stream magic");
        if (magic != StreamMagic)
        {
            throw cursor.Error($"not a Java serialization stream (magic 0x{magic:X4}, expected 0xACED)");
        }

        ushort version = cursor.ReadUInt16("stream version");
        if (version != StreamVersion)
        {
            throw cursor.Error($"unsupported Java serialization stream version {version} (expected 5)");
        }

        var parser = new JavaStreamParser(cursor);
        object? content = parser.ReadContent("the top-level object", allowBlockData: false);
        cursor.RequireEnd("the top-level object");
        return content;
    }

    private object? ReadContent(string context, bool allowBlockData)
    {
        while (true)
        {
            int at = _cursor.Position;
            byte code = _cursor.ReadByte($"type code of {context}");
            switch (code)
            {
                case JavaTypeCode.Null:
                    return null;
                case JavaTypeCode.Reference:
                    return ReadReference(at);
                case JavaTypeCode.Object:
                    return ReadNewObject(at);
                case JavaTypeCode.Array:
                    return ReadNewArray(at);
                case JavaTypeCode.String:
                    return AddHandle(_cursor.ReadModifiedUtf8("string"));
                case JavaTypeCode.LongString:
                    return AddHandle(ReadLongString());
                case JavaTypeCode.ClassDesc:
                    return ReadNewClassDesc();
                case JavaTypeCode.BlockData when allowBlockData:
                    return new JavaBlockData(_cursor.ReadBytes(_cursor.ReadByte("block data length"), "block data").ToArray());
                case JavaTypeCode.BlockDataLong when allowBlockData:
                    return new JavaBlockData(ReadLongBlockData());
                case JavaTypeCode.Reset:
                    // A reset forgets all handles; later references count from the base again.
                    _handles.Clear();
                    continue;
                case JavaTypeCode.Exception:
                    throw _cursor.Error($"the writer aborted with a serialized exception (TC_EXCEPTION at byte {at})");
                default:
                    throw _cursor.Error($"unexpected {JavaTypeCode.Name(code)} at byte {at} while reading {context}");
            }
        }
    }

    private JavaObject ReadNewObject(int at)
    {
        Enter(at);
        JavaClassDesc desc = ReadClassDesc("object class")
            ?? throw _cursor.Error($"object at byte {at} has a null class descriptor");
        var obj = new JavaObject(desc);
        AddHandle(obj);

        foreach (JavaClassDesc level in desc.Hierarchy())
        {
            string context = $"object of class {MessageText.Quote(level.Name)}";
            if (level.IsExternalizable)
            {
                // Only block-data mode (the default since JDK 1.2) is self-delimiting; the old mode needs the class.
                if (!level.UsesBlockData)
                {
                    throw _cursor.Error($"class {MessageText.Quote(level.Name)} uses the old externalizable format, which cannot be read without the class");
                }

                obj.Add(new JavaClassData(level, new Dictionary<string, object?>(), ReadAnnotations(context)));
                continue;
            }

            var values = new Dictionary<string, object?>(level.Fields.Count, StringComparer.Ordinal);
            foreach (JavaFieldDesc field in level.Fields)
            {
                values[field.Name] = ReadFieldValue(level, field);
            }

            IReadOnlyList<object?> annotations = level.HasWriteMethod ? ReadAnnotations(context) : [];
            obj.Add(new JavaClassData(level, values, annotations));
        }

        Leave();
        return obj;
    }

    private object? ReadFieldValue(JavaClassDesc owner, JavaFieldDesc field)
    {
        string what = $"{TypeName(field.TypeCode)} field '{field.Name}' of {MessageText.Quote(owner.Name)}";
        return field.TypeCode switch
        {
            'B' => (sbyte)_cursor.ReadByte(what),
            'C' => (char)_cursor.ReadUInt16(what),
            'D' => _cursor.ReadDouble(what),
            'F' => _cursor.ReadSingle(what),
            'I' => _cursor.ReadInt32(what),
            'J' => _cursor.ReadInt64(what),
            'S' => _cursor.ReadInt16(what),
            'Z' => _cursor.ReadBoolean(what),
            _ => ReadContent(what, allowBlockData: false),
        };
    }

    private JavaArray ReadNewArray(int at)
    {
        Enter(at);
        JavaClassDesc desc = ReadClassDesc("array class")
            ?? throw _cursor.Error($"array at byte {at} has a null class descriptor");
        if (desc.Name.Length < 2 || desc.Name[0] != '[')
        {
            throw _cursor.Error($"array at byte {at} has non-array class {MessageText.Quote(desc.Name)}");
        }

        int slot = ReserveHandle();
        int length = _cursor.ReadInt32($"length of array {MessageText.Quote(desc.Name)}");
        Array elements = desc.Name[1] switch
        {
            'B' => _cursor.ReadArray(length, 1, "byte", b => (sbyte)b[0]),
            'C' => _cursor.ReadArray(length, 2, "char", b => (char)((b[0] << 8) | b[1])),
            'D' => _cursor.ReadArray(length, 8, "double", BinaryPrimitives.ReadDoubleBigEndian),
            'F' => _cursor.ReadArray(length, 4, "float", BinaryPrimitives.ReadSingleBigEndian),
            'I' => _cursor.ReadArray(length, 4, "int", BinaryPrimitives.ReadInt32BigEndian),
            'J' => _cursor.ReadArray(length, 8, "long", BinaryPrimitives.ReadInt64BigEndian),
            'S' => _cursor.ReadArray(length, 2, "short", BinaryPrimitives.ReadInt16BigEndian),
            'Z' => _cursor.ReadArray(length, 1, "boolean", b => b[0] != 0),
            'L' or '[' => ReadObjectElements(length, desc.Name),
            _ => throw _cursor.Error($"array at byte {at} has unknown array class {MessageText.Quote(desc.Name)}"),
        };

        var array = new JavaArray(desc, elements);
        _handles[slot] = array;
        Leave();
        return array;
    }

    private object?[] ReadObjectElements(int length, string className)
    {
        // Every element takes at least one byte, which bounds the allocation by the file size.
        if (length < 0 || length > _cursor.Remaining)
        {
            throw _cursor.Error($"array {MessageText.Quote(className)} claims {length} elements but only {_cursor.Remaining} bytes remain at byte {_cursor.Position}");
        }

        var elements = new object?[length];
        for (int i = 0; i < length; i++)
        {
            elements[i] = ReadContent("array element", allowBlockData: false);
        }

        return elements;
    }

    private JavaClassDesc? ReadClassDesc(string context)
    {
        int at = _cursor.Position;
        byte code = _cursor.ReadByte($"type code of {context}");
        return code switch
        {
            JavaTypeCode.Null => null,
            JavaTypeCode.ClassDesc => ReadNewClassDesc(),
            JavaTypeCode.Reference => ReadReference(at) as JavaClassDesc
                ?? throw _cursor.Error($"reference at byte {at} does not point to a class descriptor ({context})"),
            JavaTypeCode.ProxyClassDesc => throw _cursor.Error($"proxy class descriptors are not supported (byte {at})"),
            _ => throw _cursor.Error($"expected a class descriptor for {context} at byte {at}, found {JavaTypeCode.Name(code)}"),
        };
    }

    private JavaClassDesc ReadNewClassDesc()
    {
        int at = _cursor.Position - 1;
        Enter(at);

        // The handle is taken before the descriptor body, as ObjectOutputStream does, so later numbers line up.
        int slot = ReserveHandle();
        string name = _cursor.ReadModifiedUtf8("class name");
        long serialVersionUid = _cursor.ReadInt64($"serialVersionUID of {MessageText.Quote(name)}");
        byte flags = _cursor.ReadByte($"flags of {MessageText.Quote(name)}");
        int fieldCount = _cursor.ReadUInt16($"field count of {MessageText.Quote(name)}");
        var fields = new JavaFieldDesc[fieldCount];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < fieldCount; i++)
        {
            fields[i] = ReadFieldDesc(name);
            if (!names.Add(fields[i].Name))
            {
                throw _cursor.Error($"class {MessageText.Quote(name)} declares field {MessageText.Quote(fields[i].Name)} twice");
            }
        }

        ReadAnnotations($"class annotation of {MessageText.Quote(name)}");
        JavaClassDesc? superClass = ReadClassDesc($"superclass of {MessageText.Quote(name)}");
        var desc = new JavaClassDesc(name, serialVersionUid, flags, fields, superClass);
        _handles[slot] = desc;
        Leave();
        return desc;
    }

    private JavaFieldDesc ReadFieldDesc(string className)
    {
        int at = _cursor.Position;
        char typeCode = (char)_cursor.ReadByte($"field type code in {MessageText.Quote(className)}");
        string fieldName = _cursor.ReadModifiedUtf8($"field name in {MessageText.Quote(className)}");
        switch (typeCode)
        {
            case 'B' or 'C' or 'D' or 'F' or 'I' or 'J' or 'S' or 'Z':
                return new JavaFieldDesc(typeCode, fieldName, null);
            case '[' or 'L':
                string context = $"type name of field '{fieldName}' in {MessageText.Quote(className)}";
                if (ReadContent(context, allowBlockData: false) is not string typeName)
                {
                    throw _cursor.Error($"{context} is not a string");
                }

                return new JavaFieldDesc(typeCode, fieldName, typeName);
            default:
                throw _cursor.Error($"invalid field type code 0x{(int)typeCode:X2} for field {MessageText.Quote(fieldName)} of {MessageText.Quote(className)} at byte {at}");
        }
    }

    private List<object?> ReadAnnotations(string context)
    {
        var items = new List<object?>();
        while (_cursor.PeekByte($"end of {context}") != JavaTypeCode.EndBlockData)
        {
            items.Add(ReadContent(context, allowBlockData: true));
        }

        _cursor.ReadByte($"end of {context}");
        return items;
    }

    private object? ReadReference(int at)
    {
        int handle = _cursor.ReadInt32("reference handle");
        long index = (long)handle - BaseHandle;
        if (index < 0 || index >= _handles.Count)
        {
            throw _cursor.Error($"reference at byte {at} to unknown handle 0x{handle:X8}");
        }

        return _handles[(int)index]
            ?? throw _cursor.Error($"reference at byte {at} to handle 0x{handle:X8}, which is still being read");
    }

    private string ReadLongString()
    {
        int at = _cursor.Position;
        long length = _cursor.ReadInt64("long string length");
        if (length < 0 || length > _cursor.Remaining)
        {
            throw _cursor.Error($"long string at byte {at} claims {length} bytes but only {_cursor.Remaining} remain");
        }

        int start = _cursor.Position;
        return _cursor.DecodeModifiedUtf8(_cursor.ReadBytes((int)length, "long string"), "long string", start);
    }

    private byte[] ReadLongBlockData()
    {
        int at = _cursor.Position;
        int length = _cursor.ReadInt32("block data length");
        if (length < 0)
        {
            throw _cursor.Error($"negative block data length {length} at byte {at}");
        }

        return _cursor.ReadBytes(length, "block data").ToArray();
    }

    /// <summary>Takes the next handle for a value still being read; references to it fail until it is stored.</summary>
    private int ReserveHandle()
    {
        _handles.Add(null);
        return _handles.Count - 1;
    }

    private T AddHandle<T>(T value)
        where T : class
    {
        _handles.Add(value);
        return value;
    }

    private void Enter(int at)
    {
        if (++_depth > MaxDepth)
        {
            throw _cursor.Error($"objects nested more than {MaxDepth} deep at byte {at}");
        }
    }

    private void Leave() => _depth--;

    private static string TypeName(char typeCode) => typeCode switch
    {
        'B' => "byte",
        'C' => "char",
        'D' => "double",
        'F' => "float",
        'I' => "int",
        'J' => "long",
        'S' => "short",
        'Z' => "boolean",
        '[' => "array",
        _ => "object",
    };
}

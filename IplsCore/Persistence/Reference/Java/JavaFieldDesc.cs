namespace IplsCore.Persistence.Reference.Java;

/// <summary>One serializable field of a class: its JVM type code ('I', 'D', '[', 'L', ...), name, and for object fields the JVM type name.</summary>
internal sealed record JavaFieldDesc(char TypeCode, string Name, string? ClassName);

namespace IplsCore.Persistence.Reference.Java;

/// <summary>
/// The part of an object written for one class of its hierarchy: default field values, then anything the
/// class's writeObject method added (block data and objects), which e.g. ArrayList uses for its elements.
/// </summary>
internal sealed record JavaClassData(
    JavaClassDesc ClassDesc,
    IReadOnlyDictionary<string, object?> Fields,
    IReadOnlyList<object?> Annotations);

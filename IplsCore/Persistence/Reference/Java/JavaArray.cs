namespace IplsCore.Persistence.Reference.Java;

/// <summary>
/// A deserialized array (TC_ARRAY). Elements is a typed CLR array for primitive arrays
/// (double[] for "[D", int[] for "[I", ...) and object?[] for arrays of objects.
/// </summary>
internal sealed record JavaArray(JavaClassDesc ClassDesc, Array Elements);

namespace IplsCore.Persistence.Reference.Java;

/// <summary>A deserialized object (TC_OBJECT): its class and the data written for each class of its hierarchy.</summary>
internal sealed class JavaObject(JavaClassDesc classDesc)
{
    private readonly List<JavaClassData> _classData = [];

    public JavaClassDesc ClassDesc { get; } = classDesc;

    /// <summary>Topmost superclass first, as in the stream.</summary>
    public IReadOnlyList<JavaClassData> ClassData => _classData;

    public void Add(JavaClassData data) => _classData.Add(data);

    /// <summary>Finds a field by name, most-derived class first (a subclass field hides a superclass one).</summary>
    public bool TryGetField(string name, out object? value)
    {
        for (int i = _classData.Count - 1; i >= 0; i--)
        {
            if (_classData[i].Fields.TryGetValue(name, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }
}

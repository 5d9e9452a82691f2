using System.Text.Json;
using IplsCore.Configuration;

namespace IplsCore.Tests.Configuration;

public class AgentSettingsSchemaTests
{
    [Fact]
    public void Schema_ListsExactlyTheKeysTheReaderKnows()
    {
        using var schema = JsonDocument.Parse(AgentSettingsSchema.Json);
        var properties = schema.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet();

        var known = AgentSettingsReader.ReferenceKeys.Concat(AgentSettingsReader.OwnKeys).ToHashSet();

        Assert.Equal(known.Order(StringComparer.Ordinal), properties.Order(StringComparer.Ordinal));
        Assert.Equal("object", schema.RootElement.GetProperty("type").GetString());
    }
}

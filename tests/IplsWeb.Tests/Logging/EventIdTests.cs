using System.Reflection;
using Microsoft.Extensions.Logging;

namespace IplsWeb.Tests.Logging;

/// <summary>One agent or dashboard log holds lines of every assembly: an EventId must name one message (docs/logging.md).</summary>
public sealed class EventIdTests
{
    [Fact]
    public void EveryLoggerMessage_HasAnEventIdNoOtherMessageUses()
    {
        Assembly[] assemblies = [typeof(IplsCore.Ipls.Node.IplsNode).Assembly, typeof(IplsAgent.Runtime.AgentSupervisor).Assembly, typeof(IplsWeb.Hosting.DashboardApp).Assembly];
        var messages = assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.FullName}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        Assert.True(messages.Count > 50, $"found only {messages.Count} [LoggerMessage] methods");
        Assert.All(messages, m => Assert.True(m.Attribute!.EventId > 0, $"{m.Method} has no EventId"));
        var duplicates = messages.GroupBy(m => m.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}").ToList();
        Assert.True(duplicates.Count == 0, "EventIds used twice: " + string.Join("; ", duplicates));
    }
}

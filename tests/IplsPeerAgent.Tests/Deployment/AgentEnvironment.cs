using System.Text.Json;
using IplsCore.Configuration;
using Microsoft.Extensions.Configuration;

namespace IplsPeerAgent.Tests.Deployment;

/// <summary>An agent service's environment in a compose file, read the way the agent reads it.</summary>
internal static class AgentEnvironment
{
    /// <summary>
    /// The agent's configuration from a service's environment, read as the agent reads IPLS_* variables
    /// (prefix removed, __ for :), with the secret files of this test standing in for /run/secrets.
    /// </summary>
    public static AgentSettings Read(JsonElement environment, Secrets secrets, string service)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var variable in environment.EnumerateObject())
        {
            Assert.StartsWith("IPLS_", variable.Name, StringComparison.Ordinal);
            string value = variable.Value.ToString();
            if (value.StartsWith("/run/secrets/", StringComparison.Ordinal))
            {
                value = secrets.PathOf(value["/run/secrets/".Length..]);
                Assert.True(File.Exists(value), $"{service}: {variable.Name} names a secret make-secrets.sh does not make");
            }

            values[variable.Name["IPLS_".Length..].Replace("__", ":", StringComparison.Ordinal)] = value;
        }

        var result = AgentSettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        Assert.True(result.IsValid, $"{service}: {string.Join("; ", result.Errors)}");
        return result.Settings!;
    }
}

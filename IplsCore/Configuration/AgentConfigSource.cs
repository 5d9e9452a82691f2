using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace IplsCore.Configuration;

/// <summary>
/// Turns a JSON config document into settings the usual .NET way: the document, then the host's
/// overrides on top (environment variables <c>IPLS_*</c>, then <c>--set key=value</c>). The same
/// layering applies to the file given at start and to a config applied remotely, so an operator's
/// command-line choices survive a dashboard upload.
/// </summary>
public sealed class AgentConfigSource(Action<IConfigurationBuilder>? addOverrides = null, IReadOnlyDictionary<string, string>? variables = null)
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>
    /// Loads a document. <paramref name="inherited"/> fills keys the document leaves out (neither the key
    /// nor its <c>…File</c> form): a config pushed from the dashboard need not carry the agent's secrets.
    /// </summary>
    public AgentConfigLoad Load(ReadOnlyMemory<byte> json, string sourceName, IReadOnlyDictionary<string, string?>? inherited = null)
    {
        string hash = Convert.ToHexStringLower(SHA256.HashData(json.Span))[..16];
        if (json.Length > MaxBytes)
        {
            return AgentConfigLoad.Failed(hash, new ConfigIssue(sourceName, null, $"{json.Length} bytes; a config may have at most {MaxBytes}"));
        }

        IReadOnlyList<ConfigIssue> warnings;
        var fills = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            warnings = AgentSettingsReader.UnknownKeys(document.RootElement);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return AgentConfigLoad.Failed(hash, warnings[0]);
            }

            foreach (var (key, value) in inherited ?? new Dictionary<string, string?>())
            {
                if (value is not null && !HasKey(document.RootElement, key) && !HasKey(document.RootElement, key + "File"))
                {
                    fills[key] = value;
                }
            }
        }
        catch (JsonException ex)
        {
            return AgentConfigLoad.Failed(hash, new ConfigIssue(sourceName, null, "not valid JSON: " + ex.Message));
        }

        var builder = new ConfigurationBuilder().AddInMemoryCollection(fills).AddJsonStream(new MemoryStream(json.ToArray()));
        addOverrides?.Invoke(builder);
        IConfigurationRoot configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (FormatException ex)
        {
            return AgentConfigLoad.Failed(hash, new ConfigIssue(sourceName, null, ex.Message));
        }

        return AgentSettingsReader.Read(configuration, variables) with { Warnings = warnings, Json = json.ToArray(), Hash = hash };
    }

    private static bool HasKey(JsonElement root, string key) =>
        root.EnumerateObject().Any(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));
}

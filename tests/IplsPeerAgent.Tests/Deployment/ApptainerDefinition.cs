using System.Text.RegularExpressions;

namespace IplsPeerAgent.Tests.Deployment;

/// <summary>One section of an Apptainer definition stage: its name, its arguments ("from kubo") and body.</summary>
internal sealed record DefinitionSection(string Name, string Arguments, string Body);

/// <summary>One build stage of an Apptainer/Singularity definition file: its header and its sections.</summary>
internal sealed record DefinitionStage(IReadOnlyDictionary<string, string> Header, IReadOnlyList<DefinitionSection> Sections)
{
    public DefinitionSection Section(string name, string arguments = "") =>
        Sections.Single(s => s.Name == name && s.Arguments == arguments);
}

/// <summary>
/// Reads a definition file the way Apptainer splits it: a stage starts at each line beginning with
/// "Bootstrap:", its header is "key: value" lines (comments and blank lines skipped), and a section
/// starts at each line whose first word begins with '%'. Text before the first Bootstrap (comments) is dropped.
/// </summary>
internal static partial class ApptainerDefinition
{
    public static readonly IReadOnlySet<string> KnownSections = new HashSet<string>(StringComparer.Ordinal)
    {
        "help", "setup", "files", "labels", "environment", "pre", "post", "runscript", "test", "startscript", "arguments",
    };

    public static IReadOnlyList<DefinitionStage> Load(string path)
    {
        string text = File.ReadAllText(path);
        var starts = BootstrapLine().Matches(text).Select(m => m.Index).ToList();
        var stages = new List<DefinitionStage>();
        for (int i = 0; i < starts.Count; i++)
        {
            int end = i + 1 < starts.Count ? starts[i + 1] : text.Length;
            stages.Add(ParseStage(text[starts[i]..end]));
        }

        return stages;
    }

    private static DefinitionStage ParseStage(string text)
    {
        var header = new Dictionary<string, string>(StringComparer.Ordinal);
        var sections = new List<DefinitionSection>();
        string? name = null;
        string arguments = string.Empty;
        var body = new List<string>();
        foreach (string line in text.Split('\n'))
        {
            string trimmed = line.Trim();
            if (trimmed.StartsWith('%'))
            {
                if (name is not null)
                {
                    sections.Add(new DefinitionSection(name, arguments, string.Join('\n', body)));
                }

                string[] words = trimmed[1..].Split(' ', 2, StringSplitOptions.TrimEntries);
                name = words[0].ToLowerInvariant();
                arguments = words.Length > 1 ? words[1] : string.Empty;
                body.Clear();
            }
            else if (name is not null)
            {
                body.Add(line);
            }
            else if (trimmed.Length > 0 && !trimmed.StartsWith('#'))
            {
                string[] pair = trimmed.Split('#')[0].Split(':', 2, StringSplitOptions.TrimEntries);
                Assert.True(pair.Length == 2, $"header line without a value: {trimmed}");
                header[pair[0].ToLowerInvariant()] = pair[1];
            }
        }

        if (name is not null)
        {
            sections.Add(new DefinitionSection(name, arguments, string.Join('\n', body)));
        }

        return new DefinitionStage(header, sections);
    }

    [GeneratedRegex("^bootstrap:", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex BootstrapLine();
}

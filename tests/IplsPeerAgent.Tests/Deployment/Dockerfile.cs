namespace IplsPeerAgent.Tests.Deployment;

/// <summary>One instruction of a Dockerfile (continuation lines joined, comments dropped).</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments);

/// <summary>A Dockerfile read into its build stages, enough to check what the images are made of.</summary>
internal sealed class Dockerfile
{
    private Dockerfile(string path, IReadOnlyList<IReadOnlyList<DockerInstruction>> stages)
    {
        Path = path;
        Stages = stages;
    }

    public string Path { get; }

    /// <summary>Each stage starts with its FROM; anything before the first FROM (ARG, syntax) is dropped.</summary>
    public IReadOnlyList<IReadOnlyList<DockerInstruction>> Stages { get; }

    public IReadOnlyList<DockerInstruction> FinalStage => Stages[^1];

    public static Dockerfile Load(string path)
    {
        var stages = new List<List<DockerInstruction>>();
        string pending = string.Empty;
        foreach (string raw in File.ReadAllLines(path))
        {
            string line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            string text = (pending + line).Trim();
            pending = string.Empty;
            if (text.Length == 0)
            {
                continue;
            }

            int space = text.IndexOf(' ', StringComparison.Ordinal);
            var instruction = new DockerInstruction(text[..space].ToUpperInvariant(), text[(space + 1)..].Trim());
            if (instruction.Keyword == "FROM")
            {
                stages.Add([]);
            }

            if (stages.Count > 0)
            {
                stages[^1].Add(instruction);
            }
        }

        return new Dockerfile(path, stages);
    }
}

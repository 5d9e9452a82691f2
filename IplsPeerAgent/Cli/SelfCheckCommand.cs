using System.CommandLine;
using IplsAgent.Runtime;
using Spectre.Console;

namespace IplsPeerAgent.Cli;

/// <summary>
/// <c>self-check</c>: proves a device (or an emulator) runs the agent correctly before it joins a fleet:
/// platform and SIMD facts, then model, scoring, training and checkpoint checks. Exit 0 when all pass, 1 otherwise.
/// </summary>
internal static class SelfCheckCommand
{
    public const int FailedExitCode = 1;

    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Model file to check (default: the model bundled with the agent)." };
        var command = new Command("self-check", "Check this device: platform and SIMD facts, then load the model, score a normal and an anomalous sample, train briefly and write a checkpoint.")
        {
            model,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var results = SelfCheck.Run(parse.GetValue(model) ?? AgentModel.BundledPath, cancellationToken);
            Render(parse.InvocationConfiguration.Output, PlatformFacts.Collect(), results);
            return Task.FromResult(results.All(r => r.Passed) ? 0 : FailedExitCode);
        });
        return command;
    }

    private static void Render(TextWriter output, IReadOnlyList<KeyValuePair<string, string>> facts, IReadOnlyList<SelfCheckResult> results)
    {
        // Colours only on a terminal: scripts and logs get plain text.
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });

        // Scripts grep this output (scripts/arm64-check.sh): a wide, plain layout keeps each row on one line.
        console.Profile.Width = Math.Max(console.Profile.Width, 140);
        var platform = new Table().Title("platform").AddColumn("fact").AddColumn("value");
        foreach (var (fact, value) in facts)
        {
            platform.AddRow(Markup.Escape(fact), Markup.Escape(value));
        }

        var checks = new Table().Title("checks").AddColumn("check").AddColumn("result").AddColumn("detail");
        foreach (var result in results)
        {
            checks.AddRow(Markup.Escape(result.Check), result.Passed ? "[green]PASS[/]" : "[red]FAIL[/]", Markup.Escape(result.Detail));
        }

        console.Write(platform);
        console.Write(checks);
        int failed = results.Count(r => !r.Passed);
        console.MarkupLine(failed == 0
            ? $"[green]self-check passed[/]: {results.Count} checks"
            : $"[red]self-check FAILED[/]: {failed} of {results.Count} checks");
    }
}

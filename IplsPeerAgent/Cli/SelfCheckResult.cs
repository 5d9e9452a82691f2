namespace IplsPeerAgent.Cli;

/// <summary>One row of <c>ipls-agent self-check</c>: what was checked, whether it passed, and the figures behind it.</summary>
internal sealed record SelfCheckResult(string Check, bool Passed, string Detail);

using System.Text.Json;
using System.Text.Json.Nodes;
using IplsCore.Control;
using IplsWeb.Fleet;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace IplsWeb.Components.Pages;

/// <summary>The agents table with its commands, and the config editor (validate, then apply to the selected agents).</summary>
public sealed partial class Agents
{
    /// <summary>Config keys never shown in the editor (Settings reveals the fleet token on demand).</summary>
    internal static readonly IReadOnlyList<string> SecretKeys = ["fleetToken", "mqttPassword"];

    [Inject]
    private AgentCommands Commands { get; set; } = default!;

    [Inject]
    private ConfigValidator Validator { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    protected override bool Shows(FleetChange change) => change.Kind == FleetChangeKind.Agent;

    private HashSet<AgentEntry> _selected = [];
    private AgentEntry? _current;
    private string _json = string.Empty;
    private ConfigCheck? _check;
    private bool _busy;
    private List<(string Agent, CommandResult Result)> _results = [];

    private string RowClass(AgentEntry entry, int index) => entry == _current ? "mud-selected-item" : string.Empty;

    private void Select(AgentEntry entry)
    {
        _current = entry;
        _json = ForEditor(entry.Registration.ConfigJson);
        _check = null;
        _results = [];
        Invalidate();
    }

    private async Task RunAsync(AgentEntry entry, Func<string, Task<CommandResult>> command)
    {
        var result = await command(entry.Registration.AgentId);
        Snackbar.Add($"{entry.Registration.AgentId}: {result.Message}", result.Accepted ? Severity.Success : Severity.Error);
        Invalidate();
    }

    private async Task UploadAsync(IBrowserFile? file)
    {
        if (file is null)
        {
            return;
        }

        if (file.Size > ConfigValidator.MaxBytes)
        {
            _check = new ConfigCheck(false, [new IplsCore.Configuration.ConfigIssue(file.Name, null, $"{file.Size} bytes; a config may have at most {ConfigValidator.MaxBytes}")], [], null);
            Invalidate();
            return;
        }

        using var reader = new StreamReader(file.OpenReadStream(ConfigValidator.MaxBytes));
        _json = await reader.ReadToEndAsync();
        ValidateNow();
    }

    private void ValidateNow()
    {
        _check = Validator.Validate(_json);
        _results = [];
        Invalidate();
    }

    private async Task ApplyAsync()
    {
        ValidateNow();
        if (_check is not { Valid: true })
        {
            return; // nothing is sent while the config has errors
        }

        _busy = true;
        var targets = _selected.ToList();
        var results = await Task.WhenAll(targets.Select(async a => (a.Registration.AgentId, await Commands.ApplyConfigAsync(a.Registration.AgentId, _json))));
        _results = [.. results];
        _busy = false;
        Invalidate();
    }

    private static string ShortVersion(string version) => version.Length <= 16 ? version : version[..16] + "…";

    private static string Resources(AgentEntry entry) => entry.Status switch
    {
        null => "–",
        { SharedProcess: true } => "shared (in-process demo agent)",
        { } s => $"{s.CpuPercent:F1} % · {s.MemoryMb:F0} MB",
    };

    /// <summary>The config as the editor shows it: indented, without secrets.</summary>
    internal static string ForEditor(string json)
    {
        try
        {
            if (JsonNode.Parse(json) is JsonObject config)
            {
                foreach (string key in SecretKeys)
                {
                    config.Remove(key);
                }

                return config.ToJsonString(Indented);
            }
        }
        catch (JsonException)
        {
        }

        return json;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}

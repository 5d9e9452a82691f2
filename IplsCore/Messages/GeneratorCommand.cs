using System.Text.Json;
using IplsCore.Data;

namespace IplsCore.Messages;

/// <summary>The generator control message on <c>vehicle/{n}/generator</c>: <c>{"mode":"normal"|"anomaly"}</c>.</summary>
public static class GeneratorCommand
{
    public const int MaxBytes = 1024;

    public static PayloadRejection TryParse(ReadOnlySpan<byte> utf8, out GeneratorMode mode, out string detail)
    {
        mode = GeneratorMode.Normal;
        detail = string.Empty;
        if (utf8.Length > MaxBytes)
        {
            detail = $"{utf8.Length} bytes, limit {MaxBytes}";
            return PayloadRejection.Oversized;
        }

        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                detail = "not a JSON object";
                return PayloadRejection.NotJson;
            }

            if (!document.RootElement.TryGetProperty("mode", out var value) || value.ValueKind != JsonValueKind.String)
            {
                detail = "no \"mode\" string";
                return PayloadRejection.MissingField;
            }

            if (!GeneratorModeParser.TryParse(value.GetString(), out mode))
            {
                detail = $"mode \"{value.GetString()}\" is neither normal nor anomaly";
                return PayloadRejection.UnknownMode;
            }

            return PayloadRejection.None;
        }
        catch (JsonException ex)
        {
            detail = ex.Message;
            return PayloadRejection.NotJson;
        }
    }

    public static byte[] Write(GeneratorMode mode) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["mode"] = GeneratorModeParser.ToWireName(mode) }, MessagesJsonContext.Default.DictionaryStringString);
}

namespace IplsCore.Configuration;

/// <summary>The broker an agent uses for sensor data, scores and (by default) IPLS.</summary>
public sealed record MqttSettings(string Host, int Port, string? Username, string? Password);

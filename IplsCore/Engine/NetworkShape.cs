using System.Collections.Immutable;
using System.Globalization;

namespace IplsCore.Engine;

/// <summary>
/// Layer sizes of a dense network (input first, output last) and the derived parameter layout.
/// Hidden layers use ReLU, the output layer a sigmoid.
/// </summary>
public sealed class NetworkShape : IEquatable<NetworkShape>
{
    /// <summary>Largest width we accept for one layer; keeps a corrupt file from asking for gigabytes.</summary>
    public const int MaxLayerSize = 4096;

    private NetworkShape(ImmutableArray<int> sizes)
    {
        Sizes = sizes;
        var layers = ImmutableArray.CreateBuilder<LayerLayout>(sizes.Length - 1);
        int offset = 0;
        for (int l = 0; l < sizes.Length - 1; l++)
        {
            var layer = new LayerLayout(l, sizes[l], sizes[l + 1], offset);
            layers.Add(layer);
            offset = layer.End;
        }

        Layers = layers.MoveToImmutable();
        ParameterCount = offset;
        int widest = 0;
        foreach (int size in sizes)
        {
            widest = Math.Max(widest, size);
        }

        MaxWidth = widest;
    }

    /// <summary>The reference autoencoder, 4-64-32-16-32-64-4 (5,844 parameters).</summary>
    public static NetworkShape Default { get; } = Create(4, 64, 32, 16, 32, 64, 4);

    public ImmutableArray<int> Sizes { get; }

    public ImmutableArray<LayerLayout> Layers { get; }

    public int ParameterCount { get; }

    public int InputSize => Sizes[0];

    public int OutputSize => Sizes[^1];

    public int MaxWidth { get; }

    public static NetworkShape Create(params ReadOnlySpan<int> sizes)
    {
        if (sizes.Length < 2)
        {
            throw new ArgumentException("A network needs at least an input and an output layer size.", nameof(sizes));
        }

        long parameters = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] < 1 || sizes[i] > MaxLayerSize)
            {
                throw new ArgumentOutOfRangeException(nameof(sizes), sizes[i], $"Layer size #{i} must be between 1 and {MaxLayerSize}.");
            }

            if (i > 0)
            {
                parameters += ((long)sizes[i - 1] * sizes[i]) + sizes[i];
            }
        }

        if (parameters > int.MaxValue / 4)
        {
            throw new ArgumentOutOfRangeException(nameof(sizes), "The network has too many parameters.");
        }

        return new NetworkShape([.. sizes]);
    }

    /// <summary>Parses "4-64-32-16-32-64-4" (also accepts commas or spaces as separators).</summary>
    public static NetworkShape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(['-', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]))
            {
                throw new FormatException($"Layer size '{parts[i]}' in '{text}' is not a positive whole number.");
            }
        }

        return Create(sizes);
    }

    public bool Equals(NetworkShape? other) =>
        other is not null && Sizes.AsSpan().SequenceEqual(other.Sizes.AsSpan());

    public override bool Equals(object? obj) => Equals(obj as NetworkShape);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (int size in Sizes)
        {
            hash.Add(size);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Join('-', Sizes);
}

namespace IplsCore.Engine;

/// <summary>
/// Xavier/Glorot normal initialisation as DL4J's <c>WeightInit.XAVIER</c>: weights ~ N(0, 2/(nIn+nOut)),
/// biases 0. Deterministic for a seed, so every peer can start from the same model.
/// </summary>
internal static class XavierInitializer
{
    public static void Initialize(NetworkShape shape, Span<float> parameters, int seed)
    {
        var random = new Random(seed);
        foreach (var layer in shape.Layers)
        {
            double std = Math.Sqrt(2.0 / (layer.InputSize + layer.OutputSize));
            var weights = parameters.Slice(layer.WeightOffset, layer.WeightCount);
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (float)(std * NextGaussian(random));
            }

            parameters.Slice(layer.BiasOffset, layer.OutputSize).Clear();
        }
    }

    private static double NextGaussian(Random random)
    {
        // Box–Muller; 1 - NextDouble() keeps the logarithm's argument in (0, 1].
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

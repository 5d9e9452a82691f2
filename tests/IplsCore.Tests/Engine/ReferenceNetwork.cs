using IplsCore.Engine;

namespace IplsCore.Tests.Engine;

/// <summary>
/// A deliberately naive double-precision implementation of the network, written straight from the
/// maths, used as an independent oracle for the SIMD engine.
/// </summary>
internal static class ReferenceNetwork
{
    public static double[][] Forward(NetworkShape shape, ReadOnlySpan<float> parameters, ReadOnlySpan<float> row)
    {
        var layers = new double[shape.Layers.Length + 1][];
        layers[0] = new double[row.Length];
        for (int i = 0; i < row.Length; i++)
        {
            layers[0][i] = row[i];
        }

        foreach (var layer in shape.Layers)
        {
            var input = layers[layer.Index];
            var output = new double[layer.OutputSize];
            for (int j = 0; j < layer.OutputSize; j++)
            {
                double z = parameters[layer.BiasOffset + j];
                for (int i = 0; i < layer.InputSize; i++)
                {
                    // DL4J layout: W[i][j] at i + j·nIn.
                    z += input[i] * parameters[layer.WeightOffset + i + (j * layer.InputSize)];
                }

                output[j] = layer.Index == shape.Layers.Length - 1 ? 1 / (1 + Math.Exp(-z)) : Math.Max(0, z);
            }

            layers[layer.Index + 1] = output;
        }

        return layers;
    }

    public static double Loss(NetworkShape shape, ReadOnlySpan<float> parameters, ReadOnlySpan<float> rows, int batch)
    {
        int f = shape.InputSize;
        double loss = 0;
        for (int r = 0; r < batch; r++)
        {
            var row = rows.Slice(r * f, f);
            var output = Forward(shape, parameters, row)[^1];
            for (int j = 0; j < f; j++)
            {
                loss -= (row[j] * Math.Log(output[j])) + ((1 - row[j]) * Math.Log(1 - output[j]));
            }
        }

        return loss / batch;
    }

    public static double Score(NetworkShape shape, ReadOnlySpan<float> parameters, ReadOnlySpan<float> scaledRow)
    {
        var output = Forward(shape, parameters, scaledRow)[^1];
        double sum = 0;
        for (int j = 0; j < output.Length; j++)
        {
            double d = output[j] - scaledRow[j];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }

    public static float[] RandomRows(int rows, int features, int seed)
    {
        var random = new Random(seed);
        var data = new float[rows * features];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)random.NextDouble();
        }

        return data;
    }
}

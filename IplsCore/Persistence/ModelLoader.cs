using IplsCore.Engine;
using IplsCore.Persistence.Reference;
using IplsCore.Scaling;

namespace IplsCore.Persistence;

/// <summary>
/// Loads a model for scoring from any format we accept, detected from the content: our ".iplsm"
/// file, or the reference system's Java-serialized <c>ad_ipls_params</c>. Scalers may be ours
/// (JSON), the reference's ND4J file, or come from inside an ".iplsm" file.
/// </summary>
public static class ModelLoader
{
    /// <summary>Which format a model file is in.</summary>
    public static ModelFileKind Detect(ReadOnlySpan<byte> header)
    {
        if (ModelFile.HasMagic(header))
        {
            return ModelFileKind.Ipls;
        }

        if (ReferenceParameterReader.IsJavaSerialization(header))
        {
            return ModelFileKind.ReferenceParameters;
        }

        return ModelFileKind.Unknown;
    }

    /// <summary>
    /// Loads network and scaler. <paramref name="scalerPath"/> overrides a scaler stored in the model
    /// and is required for reference parameters. Reference parameters must fit <paramref name="shape"/>
    /// (default 4-64-32-16-32-64-4).
    /// </summary>
    public static (DenseNetwork Network, MinMaxScaler Scaler) Load(string modelPath, string? scalerPath, NetworkShape? shape = null)
    {
        byte[] bytes = InputFile.ReadAllBytes(modelPath);
        string name = Path.GetFileName(modelPath);
        DenseNetwork network;
        MinMaxScaler? scaler = null;
        switch (Detect(bytes))
        {
            case ModelFileKind.Ipls:
                var stored = ModelFile.Deserialize(bytes, name);
                network = stored.Network;
                scaler = stored.Scaler;
                break;
            case ModelFileKind.ReferenceParameters:
                network = FromReference(ReferenceParameterReader.Read(new MemoryStream(bytes, writable: false), name), shape ?? NetworkShape.Default, name);
                break;
            default:
                throw new ModelFormatException($"{name}: not a model file (neither an IPLS .iplsm file nor reference Java-serialized parameters)");
        }

        if (scalerPath is not null)
        {
            scaler = LoadScaler(scalerPath);
        }

        if (scaler is null)
        {
            throw new ModelFormatException($"{name}: holds no scaler; pass one with --scaler FILE");
        }

        if (scaler.Features != network.Shape.InputSize)
        {
            throw new ModelFormatException($"{Path.GetFileName(scalerPath ?? modelPath)}: scaler has {scaler.Features} features but the {network.Shape} model takes {network.Shape.InputSize}");
        }

        return (network, scaler);
    }

    /// <summary>Loads a scaler from our JSON format, the reference ND4J file, or an ".iplsm" model that carries one.</summary>
    public static MinMaxScaler LoadScaler(string path)
    {
        byte[] bytes = InputFile.ReadAllBytes(path);
        string name = Path.GetFileName(path);
        if (ModelFile.HasMagic(bytes))
        {
            return ModelFile.Deserialize(bytes, name).Scaler
                ?? throw new ModelFormatException($"{name}: model file holds no scaler");
        }

        if (ReferenceScalerReader.IsNd4jNormalizer(bytes))
        {
            var reference = ReferenceScalerReader.Read(new MemoryStream(bytes, writable: false), name);
            try
            {
                return new MinMaxScaler(reference.Min, reference.Max);
            }
            catch (Exception ex) when (ex is ArgumentException or NonFiniteValueException)
            {
                throw new ModelFormatException($"{name}: {ex.Message}", ex);
            }
        }

        return MinMaxScaler.Load(new MemoryStream(bytes, writable: false), name);
    }

    /// <summary>Reference parameters are already in our (DL4J) layout; only the count and the values need checking.</summary>
    public static DenseNetwork FromReference(double[] values, NetworkShape shape, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        if (values.Length != shape.ParameterCount)
        {
            throw new ModelFormatException($"{sourceName}: has {values.Length} parameters, but a {shape} network needs {shape.ParameterCount}");
        }

        var parameters = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            parameters[i] = (float)values[i];
            if (!float.IsFinite(parameters[i]))
            {
                throw new ModelFormatException($"{sourceName}: parameter {i} ({values[i]}) is not a finite float32 value");
            }
        }

        return new DenseNetwork(shape, parameters);
    }
}

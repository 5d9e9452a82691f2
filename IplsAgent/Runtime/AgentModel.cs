using IplsCore.Configuration;
using IplsCore.Engine;
using IplsCore.Persistence;
using IplsCore.Scaling;

namespace IplsAgent.Runtime;

/// <summary>The model an agent starts from: the configured file (ours or the reference's) or the one bundled with the agent.</summary>
internal static class AgentModel
{
    public static string BundledPath => Path.Combine(AppContext.BaseDirectory, "Models", "default.iplsm");

    /// <summary>Loads the model and scaler; file and format problems surface as <see cref="ModelFormatException"/> or <see cref="IOException"/>.</summary>
    public static (DenseNetwork Network, MinMaxScaler Scaler) Load(AgentSettings settings)
    {
        string path = settings.ModelPath ?? BundledPath;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"modelPath: model file '{path}' not found", path);
        }

        return ModelLoader.Load(path, settings.ScalerPath);
    }
}

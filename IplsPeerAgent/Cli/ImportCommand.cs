using System.CommandLine;
using IplsCore.Persistence;

namespace IplsPeerAgent.Cli;

/// <summary><c>import</c>: converts the reference ad_ipls_params + scaler into one .iplsm file.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var parameters = new Option<string>("--params") { Description = "The reference model: a Java-serialized list of doubles (ad_ipls_params).", Required = true };
        var scaler = new Option<string>("--scaler") { Description = "The reference ND4J MinMax scaler file (or our JSON scaler).", Required = true };
        var output = new Option<string>("--out") { Description = "The .iplsm file to write.", Required = true };
        var layers = CommonOptions.Layers();
        var command = new Command("import", "Convert the reference model (ad_ipls_params and scaler) into our model format.")
        {
            parameters, scaler, output, layers,
        };
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            string paramsPath = parse.GetRequiredValue(parameters);
            byte[] header = InputFile.ReadAllBytes(paramsPath);
            if (ModelLoader.Detect(header) != ModelFileKind.ReferenceParameters)
            {
                throw new ModelFormatException($"{Path.GetFileName(paramsPath)}: not a Java-serialized parameter list (expected the reference ad_ipls_params)");
            }

            var (network, fitted) = ModelLoader.Load(paramsPath, parse.GetRequiredValue(scaler), CommonOptions.ParseLayers(parse.GetValue(layers)!));
            string outPath = parse.GetRequiredValue(output);
            ModelFile.WriteFile(outPath, network, fitted);
            parse.InvocationConfiguration.Output.WriteLine($"wrote {outPath}: {network.Shape} network, {network.ParameterCount} parameters, scaler {fitted}");
            return 0;
        }));
        return command;
    }
}

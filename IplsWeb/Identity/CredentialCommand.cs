using IplsWeb.Hosting;

namespace IplsWeb.Identity;

/// <summary>
/// <c>IplsWeb vehicle-credential N [--Dashboard:…]</c>: prints vehicle N's broker password (user name
/// <c>vehicle-N</c>) from the dashboard's identity key, for provisioning a device (agent and bridge).
/// </summary>
public static class CredentialCommand
{
    public const string Name = "vehicle-credential";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length < 2 || !VehicleNumber.TryParse(args[1], out int vehicle))
        {
            error.WriteLine($"usage: {Name} VEHICLE (1–{VehicleNumber.Max}) [--Dashboard:DataDirectory=…]; prints the password of user vehicle-VEHICLE");
            return 2;
        }

        var configuration = new ConfigurationBuilder().AddJsonFile("appsettings.json", optional: true).AddEnvironmentVariables().AddCommandLine(args[2..]).Build();
        var options = configuration.GetSection(DashboardOptions.Section).Get<DashboardOptions>() ?? new DashboardOptions();
        if (options.Identity.Problems().ToList() is { Count: > 0 } problems)
        {
            error.WriteLine(string.Join(Environment.NewLine, problems));
            return 2;
        }

        var credentials = new VehicleCredentials(IdentityKeyStore.Resolve(options.Identity, options.DataDirectory), options.Identity.Generations);
        output.WriteLine(credentials.Password(vehicle));
        return 0;
    }
}

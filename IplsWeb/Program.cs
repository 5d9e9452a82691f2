using IplsWeb.Hosting;
using IplsWeb.Identity;

if (args.Length > 0 && args[0] == CredentialCommand.Name)
{
    return CredentialCommand.Run(args, Console.Out, Console.Error);
}

WebApplication app;
try
{
    app = DashboardApp.Build(args);
}
catch (DashboardConfigurationException ex)
{
    await Console.Error.WriteLineAsync("error: the dashboard cannot start:" + Environment.NewLine + ex.Message).ConfigureAwait(false);
    return 2;
}

await app.RunAsync().ConfigureAwait(false);
return 0;

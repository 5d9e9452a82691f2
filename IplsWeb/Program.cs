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

try
{
    await app.RunAsync().ConfigureAwait(false);
}
catch (DashboardConfigurationException ex)
{
    // Found at start, not at build: e.g. the history database cannot be opened.
    await Console.Error.WriteLineAsync("error: the dashboard cannot start:" + Environment.NewLine + ex.Message).ConfigureAwait(false);
    return 2;
}

return 0;

using IplsWeb.Hosting;

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

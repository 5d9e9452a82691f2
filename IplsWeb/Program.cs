using IplsWeb.Hosting;

var app = DashboardApp.Build(args);
await app.RunAsync().ConfigureAwait(false);

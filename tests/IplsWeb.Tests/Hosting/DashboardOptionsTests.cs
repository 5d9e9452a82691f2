using IplsWeb.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IplsWeb.Tests.Hosting;

/// <summary>Options bound and validated at start: every problem in one message, also values the binder cannot convert.</summary>
public sealed class DashboardOptionsTests
{
    [Fact]
    public void BadValues_OfEveryKind_AreReportedTogether_InOneClearMessage()
    {
        var ex = Assert.Throws<DashboardConfigurationException>(() => DashboardApp.Build(
        [
            "--Dashboard:Identity:Mode=foo", "--Dashboard:HttpPort=abc", "--Dashboard:History:FlushInterval=soon",
            "--Dashboard:BindAddress=0.0.0.0", $"--Dashboard:DataDirectory={Path.GetTempPath()}",
        ]));

        Assert.Contains("Dashboard:Identity:Mode = \"foo\": one of PerVehicle, Compatibility", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Dashboard:HttpPort = \"abc\": a whole number", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Dashboard:History:FlushInterval = \"soon\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Dashboard:AdminPassword", ex.Message, StringComparison.Ordinal); // the convertible values are still checked
        Assert.DoesNotContain("Failed to convert", ex.Message, StringComparison.Ordinal); // not the binder's exception
        Assert.DoesNotContain("Dashboard:HttpPort = 0", ex.Message, StringComparison.Ordinal); // a bad value is reported once, not again as a default
    }

    [Theory]
    [InlineData("0", "Dashboard:Overview:CardsUpTo = 0: 1–500")]
    [InlineData("501", "Dashboard:Overview:CardsUpTo = 501: 1–500")]
    [InlineData("-3", "Dashboard:Overview:CardsUpTo = -3: 1–500")]
    [InlineData("many", "Dashboard:Overview:CardsUpTo = \"many\": a whole number")]
    public void TheOverviewsCardsUpTo_OutsideItsRange_OrNoNumber_StopsTheStart(string value, string problem)
    {
        var ex = Assert.Throws<DashboardConfigurationException>(() => DashboardApp.Build([$"--Dashboard:Overview:CardsUpTo={value}", "--Dashboard:Alerts:SmoothingSamples=0", $"--Dashboard:DataDirectory={Path.GetTempPath()}"]));

        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Dashboard:Alerts:SmoothingSamples = 0", ex.Message, StringComparison.Ordinal); // listed with the others
        Assert.Equal(24, new DashboardOptions().Overview.CardsUpTo);
        Assert.Empty(DashboardOptionsValidation.Bind(Configuration(("Dashboard:Overview:CardsUpTo", "500"))).Problems);
    }

    [Fact]
    public void AnUndefinedEnumNumber_IsAProblem_NotAMode()
    {
        var (_, problems) = DashboardOptionsValidation.Bind(Configuration(("Dashboard:Identity:Mode", "7")));

        Assert.Contains(problems, p => p.StartsWith("Dashboard:Identity:Mode = 7", StringComparison.Ordinal));
    }

    [Fact]
    public void GoodValues_BindToTheSameOptions_AsTheHostRegisters()
    {
        var (options, problems) = DashboardOptionsValidation.Bind(Configuration(("Dashboard:Identity:Mode", "compatibility"), ("Dashboard:HttpPort", "6001"), ("Dashboard:Alerts:ResolveAfter", "00:01:00")));

        Assert.Empty(problems);
        Assert.Equal(IplsWeb.Identity.BrokerIdentityMode.Compatibility, options.Identity.Mode);
        Assert.Equal(6001, options.HttpPort);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Alerts.ResolveAfter);
    }

    [Fact]
    public void OptionsChangedByConfigureServices_AreValidatedToo_WithEveryProblem_AndReleaseTheDataDirectory()
    {
        string data = Directory.CreateTempSubdirectory("ipls-web-options-").FullName;
        var (http, mqtt) = DashboardHost.TwoFreePorts();
        string[] args = [$"--Dashboard:HttpPort={http}", $"--Dashboard:MqttPort={mqtt}", $"--Dashboard:DataDirectory={data}", "--Dashboard:DemoFleet:Enabled=false"];
        var bad = Configuration(("Dashboard:SensorNames:0", "one"), ("Dashboard:Alerts:SmoothingSamples", "0"));

        var ex = Assert.Throws<DashboardConfigurationException>(() => DashboardApp.Build(args, services => services.Configure<DashboardOptions>(bad.GetSection(DashboardOptions.Section))));

        Assert.IsType<OptionsValidationException>(ex.InnerException); // the options' own validation (ValidateOnStart's validator)
        Assert.Contains("Dashboard:SensorNames: four non-empty names", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Dashboard:Alerts:SmoothingSamples = 0", ex.Message, StringComparison.Ordinal);
        using (DashboardApp.Build(args))
        {
            // the refused build released the data directory's lock
        }

        Directory.Delete(data, recursive: true);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}

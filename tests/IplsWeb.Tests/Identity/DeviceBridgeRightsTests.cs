using System.Diagnostics;
using IplsWeb.Identity;

namespace IplsWeb.Tests.Identity;

/// <summary>
/// The device broker's bridge (deploy/device/mosquitto/render-conf.sh) signs in as its vehicle: every topic it
/// bridges must be one that vehicle may publish (out) or subscribe to (in), or the dashboard's broker refuses it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // sh
public sealed class DeviceBridgeRightsTests
{
    [Theory]
    [InlineData(7, "0")]
    [InlineData(7, "1")]
    [InlineData(900, "1")]
    public async Task BridgedTopics_StayWithinTheVehiclesRights(int vehicle, string bridgeIpls)
    {
        string dir = Directory.CreateTempSubdirectory("ipls-bridge-rights-").FullName;
        try
        {
            string conf = Path.Combine(dir, "device.conf");
            var start = new ProcessStartInfo("sh", ["deploy/device/mosquitto/render-conf.sh", conf]) { WorkingDirectory = RepositoryRoot, RedirectStandardError = true };
            start.Environment["VEHICLE"] = vehicle.ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["DASHBOARD_MQTT_HOST"] = "dashboard";
            start.Environment["BRIDGE_USERNAME"] = VehicleCredentials.UserName(vehicle);
            start.Environment["DATA_DIR"] = dir;
            start.Environment["BRIDGE_IPLS"] = bridgeIpls;
            using (var process = Process.Start(start)!)
            {
                string error = await process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                Assert.True(process.ExitCode == 0, error);
            }

            string[] lines = await File.ReadAllLinesAsync(conf);
            var identity = BrokerIdentity.ForVehicle(vehicle);
            var topics = lines.Where(l => l.StartsWith("topic ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
            Assert.Equal(bridgeIpls == "1" ? 4 : 3, topics.Count);
            foreach (string[] topic in topics)
            {
                string name = topic[1], direction = topic[2];
                if (direction is "out" or "both")
                {
                    Assert.True(TopicPermissions.MayPublish(identity, name), $"vehicle {vehicle} may not publish {name}");
                }

                if (direction is "in" or "both")
                {
                    Assert.True(TopicPermissions.MaySubscribe(identity, name), $"vehicle {vehicle} may not subscribe to {name}");
                }
            }

            Assert.Contains($"remote_username vehicle-{vehicle}", lines);
            // Bridge notifications would publish $SYS/broker/connection/… on the dashboard's broker, which no vehicle may.
            Assert.Contains("notifications false", lines);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string RepositoryRoot
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "IplsWeb.sln")))
            {
                root = root.Parent;
            }

            return root?.FullName ?? throw new InvalidOperationException("IplsWeb.sln not found above " + AppContext.BaseDirectory);
        }
    }
}

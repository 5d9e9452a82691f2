using System.Text;
using IplsCore.Configuration;
using IplsCore.Training;
using Microsoft.Extensions.Configuration;

namespace IplsCore.Tests.Configuration;

/// <summary>The learning keys (scoreWith, noveltyWeightPower, noveltyWeightCap, noveltyScale, personalTrainAbove, shareWhileLearning, aggregationStep, serverMomentum).</summary>
public class LearningSettingsTests
{
    private static AgentConfigLoad Read(params (string Key, string Value)[] keys)
    {
        var values = new Dictionary<string, string?> { ["vehicle"] = "2", ["fleetToken"] = "a-fleet-secret-of-some-length" };
        foreach (var (key, value) in keys)
        {
            values[key] = value;
        }

        return AgentSettingsReader.Read(new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(ReferenceConfigs.Peer)))
            .AddInMemoryCollection(values)
            .Build());
    }

    [Fact]
    public void Defaults_ArePersonalScoringWithNoveltyWeights()
    {
        var result = Read();
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(new LearningOptions(), result.Settings!.Learning);
        Assert.Equal(ScoreWith.Personal, result.Settings.Learning.ScoreWith);
        Assert.Equal(2.5, result.Settings.Learning.NoveltyWeightPower);
        Assert.Null(result.Settings.Learning.NoveltyScale); // half the threshold
        Assert.False(result.Settings.Learning.ShareWhileLearning);
        Assert.Equal(1, result.Settings.Ipls.AggregationStep);
        Assert.Equal(0, result.Settings.Ipls.ServerMomentum);
    }

    [Fact]
    public void Keys_AreRead()
    {
        var result = Read(("scoreWith", "local"), ("noveltyWeightPower", "0"), ("noveltyWeightCap", "10"), ("noveltyScale", "0.1"), ("personalTrainAbove", "0.05"), ("shareWhileLearning", "true"), ("aggregationStep", "1.5"), ("serverMomentum", "0.3"));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(
            new LearningOptions { ScoreWith = ScoreWith.Local, NoveltyWeightPower = 0, NoveltyWeightCap = 10, NoveltyScale = 0.1, PersonalTrainAbove = 0.05, ShareWhileLearning = true },
            result.Settings!.Learning);
        Assert.Equal(1.5, result.Settings.Ipls.AggregationStep);
        Assert.Equal(0.3, result.Settings.Ipls.ServerMomentum);
        Assert.Equal(ScoreWith.Fleet, Read(("scoreWith", "fleet")).Settings!.Learning.ScoreWith);
    }

    [Fact]
    public void BadValues_AreReportedByKey()
    {
        var result = Read(("scoreWith", "best"), ("noveltyWeightPower", "9"), ("noveltyWeightCap", "0.5"), ("noveltyScale", "0"), ("personalTrainAbove", "x"), ("shareWhileLearning", "maybe"), ("aggregationStep", "0"), ("serverMomentum", "1"));
        Assert.False(result.IsValid);
        Assert.Equal(
            ["aggregationStep", "noveltyScale", "noveltyWeightCap", "noveltyWeightPower", "personalTrainAbove", "scoreWith", "serverMomentum", "shareWhileLearning"],
            result.Errors.Select(e => e.Key).Order(StringComparer.Ordinal).ToArray());
    }
}

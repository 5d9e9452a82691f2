using System.Text;
using System.Text.Json;
using IplsCore.Data;
using IplsCore.Messages;

namespace IplsCore.Tests.Messages;

public class PayloadTests
{
    private static PayloadRejection Parse(string json, out float[] values, out string detail)
    {
        values = new float[4];
        return SensorPayload.TryParse(Encoding.UTF8.GetBytes(json), values, out detail);
    }

    [Fact]
    public void Sensor_ReferenceFormatWithStrings_IsParsed()
    {
        var result = Parse("""{"value":["-4.39936127","1.37920332","0.09420760","-0.05222571"]}""", out var values, out _);

        Assert.Equal(PayloadRejection.None, result);
        Assert.Equal([-4.39936127f, 1.37920332f, 0.0942076f, -0.05222571f], values);
    }

    [Fact]
    public void Sensor_PlainNumbersAndExtraFields_AreParsed()
    {
        var result = Parse("""{"id":7,"value":[1.5, -4.5, 2e-1, 0],"note":{"x":[1]}}""", out var values, out _);

        Assert.Equal(PayloadRejection.None, result);
        Assert.Equal([1.5f, -4.5f, 0.2f, 0f], values);
    }

    [Theory]
    [InlineData("not json", PayloadRejection.NotJson)]
    [InlineData("[1,2,3,4]", PayloadRejection.NotJson)]
    [InlineData("{\"values\":[1,2,3,4]}", PayloadRejection.MissingField)]
    [InlineData("{\"value\":\"1,2,3,4\"}", PayloadRejection.MissingField)]
    [InlineData("{\"value\":[1,2,3]}", PayloadRejection.WrongLength)]
    [InlineData("{\"value\":[1,2,3,4,5]}", PayloadRejection.WrongLength)]
    [InlineData("{\"value\":[1,2,\"x\",4]}", PayloadRejection.NotNumeric)]
    [InlineData("{\"value\":[1,2,null,4]}", PayloadRejection.NotNumeric)]
    [InlineData("{\"value\":[1,2,\"NaN\",4]}", PayloadRejection.OutOfRange)]
    [InlineData("{\"value\":[1,2,\"Infinity\",4]}", PayloadRejection.OutOfRange)]
    [InlineData("{\"value\":[1,2,1e300,4]}", PayloadRejection.OutOfRange)]
    [InlineData("{\"value\":[1,2,5000000,4]}", PayloadRejection.OutOfRange)]
    [InlineData("{\"value\":[1,2,3,4]", PayloadRejection.NotJson)]
    public void Sensor_BadPayloads_AreRejectedWithAReason(string json, PayloadRejection expected)
    {
        var result = Parse(json, out _, out string detail);

        Assert.Equal(expected, result);
        Assert.NotEmpty(detail);
    }

    [Fact]
    public void Sensor_Oversized_IsRejectedBeforeParsing()
    {
        var big = Encoding.UTF8.GetBytes("{\"value\":[1,2,3,4],\"pad\":\"" + new string('x', 5000) + "\"}");

        Assert.Equal(PayloadRejection.Oversized, SensorPayload.TryParse(big, new float[4], out _));
    }

    [Fact]
    public void Sensor_WriteThenParse_RoundTrips()
    {
        float[] values = [1.25f, -3.5f, 0f, 6.125f];
        var parsed = new float[4];

        Assert.Equal(PayloadRejection.None, SensorPayload.TryParse(SensorPayload.Write(values), parsed, out _));
        Assert.Equal(values, parsed);
    }

    [Fact]
    public void Score_HasTheReferenceShape_AndReadsBack()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000);

        var bytes = ScorePayload.Write(0.0625f, at);

        using var doc = JsonDocument.Parse(bytes);
        Assert.Equal(0.0625, doc.RootElement.GetProperty("anomaly_score")[0].GetDouble());
        Assert.Equal(1_764_000_000, doc.RootElement.GetProperty("timestamp").GetInt64());
        Assert.True(ScorePayload.TryRead(bytes, out float score, out long timestamp));
        Assert.Equal(0.0625f, score);
        Assert.Equal(1_764_000_000, timestamp);
        Assert.False(ScorePayload.TryRead("{\"anomaly_score\":[\"x\"],\"timestamp\":1}"u8, out _, out _));
    }

    [Fact]
    public void Score_CarriesItsMillisecondTime_AndReferencePayloadsReadWithout()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_250);

        var bytes = ScorePayload.Write(0.5f, at);

        using var doc = JsonDocument.Parse(bytes);
        Assert.Equal(1_764_000_000, doc.RootElement.GetProperty("timestamp").GetInt64());
        Assert.Equal(1_764_000_000_250, doc.RootElement.GetProperty("timestamp_ms").GetInt64());
        Assert.True(ScorePayload.TryRead(bytes, out _, out _, out long? ms));
        Assert.Equal(1_764_000_000_250, ms);
        Assert.True(ScorePayload.TryRead("{\"anomaly_score\":[0.1],\"timestamp\":1764000000}"u8, out _, out _, out ms));
        Assert.Null(ms);
        Assert.True(ScorePayload.TryRead("{\"anomaly_score\":[0.1],\"timestamp\":1764000000,\"timestamp_ms\":\"soon\"}"u8, out _, out _, out ms));
        Assert.Null(ms);
    }

    [Theory]
    [InlineData("{\"mode\":\"anomaly\"}", PayloadRejection.None, GeneratorMode.Anomaly)]
    [InlineData("{\"mode\":\"NORMAL\"}", PayloadRejection.None, GeneratorMode.Normal)]
    [InlineData("{\"mode\":\"chaos\"}", PayloadRejection.UnknownMode, GeneratorMode.Normal)]
    [InlineData("{\"mood\":\"normal\"}", PayloadRejection.MissingField, GeneratorMode.Normal)]
    [InlineData("normal", PayloadRejection.NotJson, GeneratorMode.Normal)]
    public void GeneratorCommand_IsParsedOrRejected(string json, PayloadRejection expected, GeneratorMode expectedMode)
    {
        var result = GeneratorCommand.TryParse(Encoding.UTF8.GetBytes(json), out var mode, out _);

        Assert.Equal(expected, result);
        Assert.Equal(expectedMode, mode);
    }

    [Fact]
    public void GeneratorCommand_WriteThenParse_RoundTrips()
    {
        Assert.Equal("{\"mode\":\"anomaly\"}", Encoding.UTF8.GetString(GeneratorCommand.Write(GeneratorMode.Anomaly)));
    }
}

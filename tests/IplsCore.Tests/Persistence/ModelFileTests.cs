using IplsCore.Engine;
using IplsCore.Persistence;
using IplsCore.Scaling;

namespace IplsCore.Tests.Persistence;

public class ModelFileTests
{
    private static readonly MinMaxScaler Scaler = new([-6f, -6f, -7f, -7f], [3f, 3f, 7f, 7f]);

    [Fact]
    public void SerializeAndDeserialize_RoundTripsShapeParametersAndScaler()
    {
        var network = DenseNetwork.CreateXavier(NetworkShape.Default, 99);

        var bytes = ModelFile.Serialize(network, Scaler);
        var stored = ModelFile.Deserialize(bytes, "m.iplsm");

        Assert.Equal(network.Shape, stored.Network.Shape);
        Assert.True(network.Parameters.SequenceEqual(stored.Network.Parameters));
        Assert.NotNull(stored.Scaler);
        Assert.True(Scaler.SameAs(stored.Scaler));
        Assert.True(ModelFile.HasMagic(bytes));
    }

    [Fact]
    public void Serialize_WithoutScaler_RoundTrips()
    {
        var network = DenseNetwork.CreateXavier(NetworkShape.Create(3, 5, 3), 1);

        var stored = ModelFile.Deserialize(ModelFile.Serialize(network, null), "m");

        Assert.Null(stored.Scaler);
        Assert.Equal("3-5-3", stored.Network.Shape.ToString());
    }

    [Fact]
    public void Deserialize_EveryTruncation_ThrowsModelFormatException()
    {
        var bytes = ModelFile.Serialize(DenseNetwork.CreateXavier(NetworkShape.Create(2, 3, 2), 1), new MinMaxScaler([0f, 0f], [1f, 1f]));

        for (int length = 0; length < bytes.Length; length++)
        {
            var ex = Assert.Throws<ModelFormatException>(() => ModelFile.Deserialize(bytes.AsSpan(0, length), "cut.iplsm"));
            Assert.StartsWith("cut.iplsm: ", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Deserialize_FlippedBit_ReportsChecksumMismatch()
    {
        var bytes = ModelFile.Serialize(DenseNetwork.CreateXavier(NetworkShape.Default, 1), Scaler);
        bytes[100] ^= 0x10;

        var ex = Assert.Throws<ModelFormatException>(() => ModelFile.Deserialize(bytes, "m.iplsm"));

        Assert.Contains("checksum mismatch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_UnknownVersion_IsRejected()
    {
        var bytes = ModelFile.Serialize(DenseNetwork.CreateXavier(NetworkShape.Default, 1), Scaler);
        bytes[8] = 9;

        var ex = Assert.Throws<ModelFormatException>(() => ModelFile.Deserialize(bytes, "m.iplsm"));

        Assert.Contains("version 9 is not supported", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_NotAModel_SaysBadMagic()
    {
        var ex = Assert.Throws<ModelFormatException>(() => ModelFile.Deserialize("hello, world, this is a csv"u8, "x.csv"));

        Assert.Equal("x.csv: not an IPLS model file (bad magic)", ex.Message);
    }

    [Fact]
    public void WriteFileAndReadFile_RoundTripAtomically()
    {
        string dir = Directory.CreateTempSubdirectory("ipls-model-").FullName;
        try
        {
            string path = Path.Combine(dir, "sub", "model.iplsm");
            var network = DenseNetwork.CreateXavier(NetworkShape.Default, 4);

            ModelFile.WriteFile(path, network, Scaler);
            ModelFile.WriteFile(path, network, Scaler);
            var stored = ModelFile.ReadFile(path);

            Assert.True(network.Parameters.SequenceEqual(stored.Network.Parameters));
            Assert.Single(Directory.GetFiles(Path.Combine(dir, "sub")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ReadFile_Missing_SaysFileNotFound()
    {
        var ex = Assert.Throws<ModelFormatException>(() => ModelFile.ReadFile("/nonexistent/dir/model.iplsm"));

        Assert.Equal("model.iplsm: file not found", ex.Message);
    }
}

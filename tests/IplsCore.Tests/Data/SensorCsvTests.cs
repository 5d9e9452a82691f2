using IplsCore.Data;

namespace IplsCore.Tests.Data;

public sealed class SensorCsvTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Write_ExactBinaryValues_WritesReferenceFormat()
    {
        // Sums of powers of two, so each float's 8-decimal form is exact and obvious.
        var rows = new[] { -4.5f, 1.375f, 0.09375f, -0.0625f, 1.5f, -2f, 0f, 123.25f };
        using var writer = new StringWriter();

        SensorCsv.Write(writer, rows);

        Assert.Equal(
            "-4.50000000,1.37500000,0.09375000,-0.06250000\n1.50000000,-2.00000000,0.00000000,123.25000000\n",
            writer.ToString());
    }

    [Fact]
    public void Write_ValueWithMoreDigitsThanFloatHolds_WritesTheFloatsOwnDecimals()
    {
        // -4.39936127 is not a float; the nearest float is -4.3993611335754395, so that is what is written.
        using var writer = new StringWriter();

        SensorCsv.Write(writer, [-4.39936127f, 1.37920332f, 0.0942076f, -0.05222571f]);

        Assert.Equal("-4.39936113,1.37920332,0.09420760,-0.05222571\n", writer.ToString());
    }

    [Fact]
    public void Write_ThenRead_RoundTripsGeneratedData()
    {
        var rows = SyntheticVehicleData.Generate(GeneratorMode.Anomaly, 500, seed: 21);
        using var writer = new StringWriter();

        SensorCsv.Write(writer, rows);
        var read = SensorCsv.Read(new StringReader(writer.ToString()), "mem");

        Assert.Equal(rows.Length, read.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            // 8 decimals keep every value to within half a unit of the 8th decimal plus float rounding.
            Assert.Equal(rows[i], read[i], 1e-7f);
        }
    }

    [Fact]
    public void WriteFile_ThenReadFile_RoundTrips()
    {
        var rows = SyntheticVehicleData.Generate(GeneratorMode.Normal, 50, seed: 22);
        var path = _temp.File("normal_x");

        SensorCsv.WriteFile(path, rows);
        var read = SensorCsv.ReadFile(path);

        Assert.Equal(rows.Length, read.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(rows[i], read[i], 1e-7f);
        }
    }

    [Fact]
    public void Write_OtherFeatureCount_WritesThatManyPerLine()
    {
        using var writer = new StringWriter();

        SensorCsv.Write(writer, [1f, 2f, 3f, 4f, 5f, 6f], features: 2);

        Assert.Equal("1.00000000,2.00000000\n3.00000000,4.00000000\n5.00000000,6.00000000\n", writer.ToString());
    }

    [Fact]
    public void Write_PartialRow_Throws()
    {
        using var writer = new StringWriter();

        Assert.Throws<ArgumentException>(() => SensorCsv.Write(writer, new float[7]));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Write_NonFiniteValue_Throws(float value)
    {
        using var writer = new StringWriter();

        Assert.Throws<ArgumentException>(() => SensorCsv.Write(writer, [0f, 1f, value, 2f]));
    }

    [Fact]
    public void Read_CrlfSpacesAndTrailingBlankLines_Accepted()
    {
        const string text = " -4.39936127 , 1.37920332,0.09420760 ,\t-0.05222571\r\n1,2,3,4e-1\r\n\r\n   \r\n";

        var rows = SensorCsv.Read(new StringReader(text), "data.csv");

        Assert.Equal([-4.39936127f, 1.37920332f, 0.0942076f, -0.05222571f, 1f, 2f, 3f, 0.4f], rows);
    }

    [Fact]
    public void Read_NoFinalNewline_ReadsLastRow()
    {
        var rows = SensorCsv.Read(new StringReader("1,2,3,4\n5,6,7,8"), "data.csv");

        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], rows);
    }

    [Fact]
    public void Read_OtherFeatureCount_ReadsThatManyPerLine()
    {
        var rows = SensorCsv.Read(new StringReader("1,2\n3,4\n"), "data.csv", features: 2);

        Assert.Equal([1f, 2f, 3f, 4f], rows);
    }

    [Theory]
    [InlineData("1,2,3,4\n1,2,abc,4\n", "normal_1:2: field 3 'abc' is not a number")]
    [InlineData("1,2,3,4\n1,2,3,4\n1,2,3\n", "normal_1:3: expected 4 fields, found 3")]
    [InlineData("1,2,3,4,5\n", "normal_1:1: expected 4 fields, found 5")]
    [InlineData("1,2,3,4\n1,,3,4\n", "normal_1:2: field 2 '' is not a number")]
    [InlineData("1,2,3,4\r\n1,2,3, x y \r\n", "normal_1:2: field 4 'x y' is not a number")]
    [InlineData("1;2;3;4\n", "normal_1:1: expected 4 fields, found 1")]
    [InlineData("1.5.2,2,3,4\n", "normal_1:1: field 1 '1.5.2' is not a number")]
    [InlineData("1,5;2,3,4\n", "normal_1:1: field 2 '5;2' is not a number")]
    [InlineData("NaN,2,3,4\n", "normal_1:1: field 1 'NaN' is not a finite number")]
    [InlineData("1,Infinity,3,4\n", "normal_1:1: field 2 'Infinity' is not a finite number")]
    [InlineData("1,2,-Infinity,4\n", "normal_1:1: field 3 '-Infinity' is not a finite number")]
    [InlineData("1,2,3,1e39\n", "normal_1:1: field 4 '1e39' is not a finite number")]
    [InlineData("1,2,3,4\n\n1,2,3,4\n", "normal_1:2: blank line before more data")]
    [InlineData("", "normal_1: file is empty")]
    [InlineData("\n  \r\n\n", "normal_1: file is empty")]
    public void Read_MalformedText_ThrowsOneLineMessage(string text, string expected)
    {
        var ex = Assert.Throws<DataFormatException>(() => SensorCsv.Read(new StringReader(text), "normal_1"));

        Assert.Equal(expected, ex.Message);
    }

    [Fact]
    public void Read_VeryLongBadField_QuotesShortenedField()
    {
        var field = new string('x', 100);

        var ex = Assert.Throws<DataFormatException>(
            () => SensorCsv.Read(new StringReader($"1,2,3,{field}\n"), "data.csv"));

        Assert.Equal($"data.csv:1: field 4 '{new string('x', 40)}...' is not a number", ex.Message);
    }

    [Fact]
    public void ReadFile_BadLine_MessageNamesFileWithoutDirectory()
    {
        var path = _temp.File("data.csv");
        File.WriteAllText(path, "1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3\n");

        var ex = Assert.Throws<DataFormatException>(() => SensorCsv.ReadFile(path));

        Assert.Equal("data.csv:5: expected 4 fields, found 3", ex.Message);
    }

    [Fact]
    public void ReadFile_EmptyFile_Throws()
    {
        var path = _temp.File("data.csv");
        File.WriteAllText(path, string.Empty);

        var ex = Assert.Throws<DataFormatException>(() => SensorCsv.ReadFile(path));

        Assert.Equal("data.csv: file is empty", ex.Message);
    }

    [Fact]
    public void ReadFile_MissingFile_ThrowsFileNotFound()
    {
        var ex = Assert.Throws<DataFormatException>(() => SensorCsv.ReadFile(_temp.File("data.csv")));

        Assert.Equal("data.csv: file not found", ex.Message);
        Assert.IsType<FileNotFoundException>(ex.InnerException);
    }

    [Fact]
    public void ReadFile_MissingDirectory_ThrowsFileNotFound()
    {
        var path = Path.Combine(_temp.Path, "no-such-dir", "anomaly_2");

        var ex = Assert.Throws<DataFormatException>(() => SensorCsv.ReadFile(path));

        Assert.Equal("anomaly_2: file not found", ex.Message);
    }

    [Fact]
    public void ReadFile_Utf8BomAndCrlf_Accepted()
    {
        var path = _temp.File("bom.csv");
        File.WriteAllText(path, "1.5,-2.5,0.25,3\r\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.Equal([1.5f, -2.5f, 0.25f, 3f], SensorCsv.ReadFile(path));
    }
}

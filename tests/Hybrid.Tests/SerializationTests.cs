using System.Text;

namespace Hybrid.Tests;

/// <summary>Save/Load: the versioned JSON format, bit-identical round trips, atomic writes, clear errors.</summary>
public sealed class SerializationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static Network EveryKindOfLayer(int seed = 3) =>
        Network.Create(4)
            .Dense(5, Activation.PReLU(0.2)).Dropout(0.25)
            .Dense(5, Activation.LeakyReLU(0.1)).Dense(5, Activation.ELU(0.7)).Dense(5, Activation.SoftPlus)
            .Dense(5, Activation.Tanh).Dense(5, Activation.Arctan).Dense(5, Activation.Sigmoid).Dense(5, Activation.Identity)
            .Dense(5, Activation.BinaryStep).Dense(5, Activation.ReLU).Maxout(4, pieces: 3)
            .Dense(3, Activation.Softmax)
            .Build(Initializer.Default(seed));

    private static readonly double[][] Inputs = [[0.1, -0.7, 2.5, 1e-3], [-3, 0.25, 1.0 / 3, 7], [1e6, -1e-6, 0, -0]];

    [Fact]
    public void Save_then_Load_gives_bit_identical_predictions_and_re_saves_byte_identical()
    {
        var net = EveryKindOfLayer();
        var path = Path.Combine(_dir, "model.json");
        net.Save(path);
        var again = Network.Load(path);
        var p1 = net.Predict(Inputs);
        var p2 = again.Predict(Inputs);
        for (int i = 0; i < p1.Length; i++)
            for (int j = 0; j < p1[i].Length; j++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(p1[i][j]), BitConverter.DoubleToInt64Bits(p2[i][j]));
        var path2 = Path.Combine(_dir, "again.json");
        again.Save(path2);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(path2));
        Assert.Equal(net.ToJson(), again.ToJson());
        Assert.Equal(net.ToString(), again.ToString());
        Assert.Equal(new[] { "again.json", "model.json" }, Directory.GetFiles(_dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void The_format_is_versioned_and_names_itself()
    {
        var json = Network.Create(2).Dense(new double[,] { { 0.1 }, { 1.0 / 3 } }, [-2.5], Activation.Sigmoid).Build().ToJson();
        Assert.Equal("""{"format":"hybrid-network","version":1,"inputs":2,"layers":[{"type":"dense","activation":"sigmoid","weights":[[0.1],[0.3333333333333333]],"biases":[-2.5]}]}""", json);
    }

    [Fact]
    public void A_newer_version_is_refused_with_a_clear_message()
    {
        var json = EveryKindOfLayer().ToJson().Replace("\"version\":1", "\"version\":4"); // this reader reads versions 1 to 3
        var e = Assert.Throws<InvalidDataException>(() => Network.FromJson(json));
        Assert.Contains("newer", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("""{"format":"other","version":1,"inputs":2,"layers":[]}""")]
    [InlineData("""{"format":"hybrid-network","version":0,"inputs":2,"layers":[]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":2,"layers":[]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":2,"layers":[{"type":"conv"}]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":2,"layers":[{"type":"dense","activation":"relu","weights":[[1],[2],[3]],"biases":[0]}]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":2,"layers":[{"type":"dense","activation":"relu","weights":[[1],[2]],"biases":[0,1]}]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":2,"layers":[{"type":"dense","activation":"relu","weights":[[1],["x"]],"biases":[0]}]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":2,"layers":[{"type":"dense","activation":"leakyRelu","parameter":2,"weights":[[1],[2]],"biases":[0]}]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":2,"layers":[{"type":"dense","activation":"wobble","weights":[[1],[2]],"biases":[0]}]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":2,"layers":[{"type":"dense","activation":"relu","weights":[[1e999],[2]],"biases":[0]}]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":2,"layers":[{"type":"dropout","rate":1}]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":2,"layers":[{"type":"maxout","pieces":[{"weights":[[1],[2]],"biases":[0]}]}]}""")]
    [InlineData("""{"format":"hybrid-network","version":1.5,"inputs":2,"layers":[]}""")]
    public void Corrupted_or_inconsistent_text_gives_InvalidDataException(string json)
    {
        Assert.Throws<InvalidDataException>(() => Network.FromJson(json));
    }

    [Fact]
    public void Every_truncation_of_a_model_file_gives_InvalidDataException_naming_the_file()
    {
        var path = Path.Combine(_dir, "m.json");
        var bytes = Encoding.UTF8.GetBytes(NetworkTests.Small().ToJson());
        for (int cut = 0; cut < bytes.Length; cut += 7)
        {
            File.WriteAllBytes(path, bytes[..cut]);
            var e = Assert.Throws<InvalidDataException>(() => Network.Load(path));
            Assert.Contains("m.json", e.Message);
        }
    }

    [Fact]
    public void Load_of_a_missing_file_is_FileNotFoundException_and_bad_paths_are_ArgumentException()
    {
        Assert.Throws<FileNotFoundException>(() => Network.Load(Path.Combine(_dir, "none.json")));
        Assert.Throws<FileNotFoundException>(() => Network.Load(Path.Combine(_dir, "no-dir", "none.json")));
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => Network.Load(" ")).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => NetworkTests.Small().Save("")).ParamName);
        Assert.Throws<DirectoryNotFoundException>(() => NetworkTests.Small().Save(Path.Combine(_dir, "no-dir", "m.json")));
    }

    [Fact]
    public void Load_or_Save_of_a_directory_path_is_ArgumentException_naming_path()
    {
        var e = Assert.Throws<ArgumentException>(() => Network.Load(_dir));
        Assert.Equal("path", e.ParamName);
        Assert.Contains("directory", e.Message);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => Network.Load(_dir + Path.DirectorySeparatorChar)).ParamName);
        var sub = Directory.CreateDirectory(Path.Combine(_dir, "sub")).FullName;
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => NetworkTests.Small().Save(sub)).ParamName);
        Assert.Empty(Directory.GetFiles(_dir));
        Assert.Empty(Directory.GetFileSystemEntries(sub));
    }

    [Fact]
    public void A_model_file_with_a_UTF8_byte_order_mark_loads()
    {
        var net = EveryKindOfLayer();
        var json = net.ToJson();
        var path = Path.Combine(_dir, "bom.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(json)]);
        Assert.Equal(json, Network.Load(path).ToJson());
        Assert.Equal(net.Predict(Inputs), Network.Load(path).Predict(Inputs));
        Assert.Equal(json, Network.FromJson("\uFEFF" + json).ToJson());
        // Only one leading BOM: a second one, or one after the start, is still corrupted text.
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(json)]);
        Assert.Throws<InvalidDataException>(() => Network.Load(path));
    }

    [Fact]
    public void A_crash_before_the_replace_leaves_the_old_file_intact()
    {
        var path = Path.Combine(_dir, "model.json");
        var good = NetworkTests.Small(1);
        good.Save(path);
        var goodBytes = File.ReadAllBytes(path);
        string? temp = null;
        AtomicFile.BeforeReplace = t => { temp = t; throw new IOException("simulated crash"); };
        try
        {
            Assert.Throws<IOException>(() => NetworkTests.Small(2).Save(path));
        }
        finally
        {
            AtomicFile.BeforeReplace = null;
        }
        Assert.NotNull(temp);
        Assert.Equal(_dir, Path.GetDirectoryName(temp));   // written next to the target, then renamed
        Assert.Equal(goodBytes, File.ReadAllBytes(path));
        Assert.False(File.Exists(temp));
        Assert.Equal(["model.json"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        // And a save that completes replaces the file.
        NetworkTests.Small(2).Save(path);
        Assert.NotEqual(goodBytes, File.ReadAllBytes(path));
    }
}

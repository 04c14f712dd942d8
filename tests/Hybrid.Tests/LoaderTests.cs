using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Hybrid.Data;

namespace Hybrid.Tests;

/// <summary>The CSV and IDX loaders (docs/data.md) on small files written here, and their errors.</summary>
public sealed class LoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string WriteBytes(string name, byte[] bytes, bool gzip = false)
    {
        var path = Path.Combine(_dir, name);
        if (!gzip) { File.WriteAllBytes(path, bytes); return path; }
        using var file = File.Create(path);
        using var z = new GZipStream(file, CompressionLevel.Fastest);
        z.Write(bytes);
        return path;
    }

    // ------------------------------------------------------------------ CSV

    [Fact]
    public void Csv_with_a_header_and_string_labels_maps_classes_in_ordinal_order_and_keeps_names()
    {
        var path = Write("flowers.csv", "length,width,species\n1.5,0.2,setosa\n4.7,1.4,versicolor\n1.4,0.25,setosa\n6.0,2.5,virginica\n");
        var d = DataSet.FromCsv(path);
        Assert.Equal((4, 2, 3), (d.RowCount, d.FeatureCount, d.ClassCount));
        Assert.Equal(new[] { "setosa", "versicolor", "virginica" }, d.ClassNames);
        Assert.Equal(new[] { 0, 1, 0, 2 }, d.GetLabels());
        Assert.Equal(new[] { "length", "width" }, d.FeatureNames);
        Assert.Equal(new[] { 4.7, 1.4 }, d.GetFeatures()[1]);
        Assert.Equal("flowers.csv", d.Name);
    }

    [Fact]
    public void Csv_label_column_by_name_or_index_separator_and_quoted_cells()
    {
        var path = Write("semi.csv", "\"class\";a;b\n\"dog\";1;2\n\"cat\";3;4\n");
        var byName = DataSet.FromCsv(path, new CsvOptions { Separator = ';', LabelColumnName = "class" });
        Assert.Equal(new[] { "cat", "dog" }, byName.ClassNames);
        Assert.Equal(new[] { 1, 0 }, byName.GetLabels());
        Assert.Equal(new[] { new[] { 1.0, 2 }, [3, 4] }, byName.GetFeatures());
        var byIndex = DataSet.FromCsv(path, new CsvOptions { Separator = ';', LabelColumnIndex = 0 });
        Assert.Equal(byName.GetLabels(), byIndex.GetLabels());
        Assert.Equal(new[] { "a", "b" }, byIndex.FeatureNames);
    }

    [Fact]
    public void Csv_without_a_header_integer_labels_gzip_targets_and_unlabelled()
    {
        // Auto: every feature cell of the first line is a number, so it is data. Integer labels are class indices.
        var text = "0.5,1,2\n-1e-3,2,0\n3,4,1\n";
        var d = DataSet.FromCsv(Write("plain.csv", text));
        Assert.Equal(3, d.RowCount);
        Assert.Equal(new[] { 2, 0, 1 }, d.GetLabels());
        Assert.Equal(new[] { "0", "1", "2" }, d.ClassNames);
        Assert.Null(d.FeatureNames);
        Assert.Equal(-1e-3, d.GetFeatures()[1][0]);
        // The same file gzip-compressed (".gz" ending).
        var gz = DataSet.FromCsv(WriteBytes("plain.csv.gz", Encoding.UTF8.GetBytes(text), gzip: true));
        Assert.Equal(d.GetFeatures(), gz.GetFeatures());
        // A stated header takes the first line as names even when they are numbers.
        var h = DataSet.FromCsv(Write("numeric-header.csv", "1,2,3\n4,5,0\n"), new CsvOptions { Header = CsvHeader.Present });
        Assert.Equal(1, h.RowCount);
        Assert.Equal(new[] { "1", "2" }, h.FeatureNames);
        // Regression targets and data to predict on.
        var t = DataSet.FromCsv(Write("reg.csv", "x,y\n1,2.5\n2,4.5\n"), new CsvOptions { LabelKind = CsvLabelKind.Values });
        Assert.True(t.HasTargets);
        Assert.Equal(new[] { new[] { 2.5 }, [4.5] }, t.GetTargetRows());
        var u = DataSet.FromCsv(Write("new.csv", "a,b\n1,2\n\n3,4\n"), new CsvOptions { LabelKind = CsvLabelKind.None });
        Assert.False(u.HasLabels || u.HasTargets);
        Assert.Equal(new[] { new[] { 1.0, 2 }, [3, 4] }, u.GetFeatures()); // the blank line is skipped
    }

    [Fact]
    public void Malformed_csv_rows_name_the_file_line_and_column()
    {
        var e = Assert.Throws<InvalidDataException>(() => DataSet.FromCsv(Write("bad.csv", "a,b,label\n1,2,x\n3,oops,y\n")));
        Assert.Equal($"{P("bad.csv")}: line 3, column 2 (\"b\"): \"oops\" is not a finite number (features must be numeric).", e.Message);
        e = Assert.Throws<InvalidDataException>(() => DataSet.FromCsv(Write("short.csv", "1,2,0\n3,4,1\n5,1\n")));
        Assert.Equal($"{P("short.csv")}: line 3 has 2 columns but the first line has 3.", e.Message);
        e = Assert.Throws<InvalidDataException>(() => DataSet.FromCsv(Write("nan.csv", "1,2,0\nNaN,4,1\n")));
        Assert.Equal($"{P("nan.csv")}: line 2, column 1: \"NaN\" is not a finite number (features must be numeric).", e.Message);
        e = Assert.Throws<InvalidDataException>(() => DataSet.FromCsv(Write("empty-label.csv", "a,label\n1,x\n2,\n")));
        Assert.Equal($"{P("empty-label.csv")}: line 3, column 2 (\"label\"): the class label is empty.", e.Message);
        e = Assert.Throws<InvalidDataException>(() => DataSet.FromCsv(Write("target.csv", "a,y\n1,2\n2,high\n"), new CsvOptions { LabelKind = CsvLabelKind.Values }));
        Assert.Equal($"{P("target.csv")}: line 3, column 2 (\"y\"): \"high\" is not a finite number (LabelKind is Values).", e.Message);
        e = Assert.Throws<InvalidDataException>(() => DataSet.FromCsv(Write("header-only.csv", "a,b,label\n")));
        Assert.Equal($"{P("header-only.csv")} has no data rows.", e.Message);
        e = Assert.Throws<InvalidDataException>(() => DataSet.FromCsv(Write("one.csv", "1\n2\n")));
        Assert.Equal($"{P("one.csv")} has one column: it needs at least one feature column and the label column.", e.Message);
    }

    [Fact]
    public void Bad_csv_options_and_paths_are_argument_errors()
    {
        var path = Write("ok.csv", "a,b,label\n1,2,x\n");
        var e = Assert.Throws<ArgumentException>(() => DataSet.FromCsv(path, new CsvOptions { LabelColumnName = "kind" }));
        Assert.Equal($"{P("ok.csv")} has no column named \"kind\"; its columns are \"a\", \"b\", \"label\". (Parameter 'options')", e.Message);
        e = Assert.Throws<ArgumentException>(() => DataSet.FromCsv(path, new CsvOptions { LabelColumnIndex = 3 }));
        Assert.StartsWith($"LabelColumnIndex 3 is outside the 3 columns of {P("ok.csv")}", e.Message);
        e = Assert.Throws<ArgumentException>(() => DataSet.FromCsv(path, new CsvOptions { LabelColumnName = "label", Header = CsvHeader.Absent }));
        Assert.Contains("needs a header", e.Message);
        Assert.Throws<ArgumentException>(() => new CsvOptions { LabelColumnName = "" });
        Assert.Throws<FileNotFoundException>(() => DataSet.FromCsv(Path.Combine(_dir, "missing.csv")));
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => DataSet.FromCsv(_dir)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => DataSet.FromCsv(" ")).ParamName);
    }

    // ------------------------------------------------------------------ IDX

    private static byte[] Images(int n, int rows, int cols, Func<int, int, byte> pixel, int magic = 0x00000803)
    {
        var bytes = new byte[16 + n * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(0), magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), n);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < rows * cols; j++) bytes[16 + i * rows * cols + j] = pixel(i, j);
        return bytes;
    }

    private static byte[] Labels(params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(0), 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Idx_raw_or_gzip_gives_rows_of_pixels_scaled_to_0_1(bool gzip)
    {
        // Three 2×3 images; pixel j of image i is 50·i + j (so 0..105), then 255 for the last pixel of image 2.
        var images = Images(3, 2, 3, (i, j) => i == 2 && j == 5 ? (byte)255 : (byte)(50 * i + j));
        var d = DataSet.FromIdx(WriteBytes("img", images, gzip), WriteBytes("lab", Labels(1, 0, 3), gzip));
        Assert.Equal((3, 6, 4), (d.RowCount, d.FeatureCount, d.ClassCount));
        Assert.Equal(new[] { 1, 0, 3 }, d.GetLabels());
        Assert.Equal(new[] { 50 / 255.0, 51 / 255.0, 52 / 255.0, 53 / 255.0, 54 / 255.0, 55 / 255.0 }, d.GetFeatures()[1]);
        Assert.Equal(1.0, d.GetFeatures()[2][5]);
        Assert.Equal("pixel_1_2", d.FeatureNames![5]);
    }

    [Fact]
    public void Bad_idx_files_are_refused_naming_the_file_and_the_mismatch()
    {
        var good = Images(2, 2, 2, (_, _) => 7);
        string img = WriteBytes("images.idx", good), lab = WriteBytes("labels.idx", Labels(0, 1));
        Assert.Equal(2, DataSet.FromIdx(img, lab).RowCount);

        var e = Assert.Throws<InvalidDataException>(() => DataSet.FromIdx(WriteBytes("swapped.idx", Labels(0, 1)), lab));
        Assert.Equal($"{P("swapped.idx")} has 10 bytes: too short for an IDX image header (16 bytes).", e.Message);
        e = Assert.Throws<InvalidDataException>(() => DataSet.FromIdx(WriteBytes("magic.idx", Images(2, 2, 2, (_, _) => 0, magic: 0x00000801)), lab));
        Assert.Equal($"{P("magic.idx")}: magic number 0x00000801, but an IDX image file (unsigned bytes, 3 dimensions) starts with 0x00000803.", e.Message);
        e = Assert.Throws<InvalidDataException>(() => DataSet.FromIdx(img, img));
        Assert.Equal($"{P("images.idx")}: magic number 0x00000803, but an IDX label file (unsigned bytes, 1 dimension) starts with 0x00000801.", e.Message);
        e = Assert.Throws<InvalidDataException>(() => DataSet.FromIdx(img, WriteBytes("three.idx", Labels(0, 1, 2))));
        Assert.Equal($"{P("images.idx")} holds 2 images but {P("three.idx")} holds 3 labels: they must match.", e.Message);
        e = Assert.Throws<InvalidDataException>(() => DataSet.FromIdx(WriteBytes("cut.idx", good[..^1]), lab));
        Assert.Equal($"{P("cut.idx")} has 23 bytes but its header (2 images of 2×2) needs 16 + 2·4 = 24.", e.Message);
        e = Assert.Throws<InvalidDataException>(() => DataSet.FromIdx(WriteBytes("long.idx", [.. good, 0]), lab));
        Assert.Equal($"{P("long.idx")} has 25 bytes but its header (2 images of 2×2) needs 16 + 2·4 = 24.", e.Message);
        var cutLabels = Labels(0, 1)[..^1];
        e = Assert.Throws<InvalidDataException>(() => DataSet.FromIdx(img, WriteBytes("cutlab.idx", cutLabels)));
        Assert.Equal($"{P("cutlab.idx")} has 9 bytes but its header (2 labels) needs 8 + 2 = 10.", e.Message);
        var corrupt = File.ReadAllBytes(WriteBytes("z.gz", good, gzip: true));
        corrupt[^5] ^= 0xFF; // the gzip trailer's length no longer matches
        Assert.Throws<InvalidDataException>(() => DataSet.FromIdx(WriteBytes("corrupt.gz", corrupt), lab));
        Assert.Throws<FileNotFoundException>(() => DataSet.FromIdx(Path.Combine(_dir, "none"), lab));
        Assert.Equal("imagesPath", Assert.Throws<ArgumentException>(() => DataSet.FromIdx(_dir, lab)).ParamName);
    }
}

using System.Text;
using Hybrid.Data;

namespace Hybrid.Tests;

/// <summary>
/// A hostile data file cannot block, flood a message or forge a log line (docs/data.md "Limits"):
/// the CSV loader quotes at most a few dozen characters of what it read, with control characters
/// escaped, refuses named pipes and devices, and bounds the length of a row.
/// </summary>
public sealed class HostileDataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-hostile-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A message bounded whatever the input's size, on one line.</summary>
    private static void Bounded(Exception e, int max = 400)
    {
        Assert.True(e.Message.Length <= max, $"{e.Message.Length} characters: {e.Message[..Math.Min(200, e.Message.Length)]}");
        Assert.DoesNotContain('\r', e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_huge_cell_is_quoted_by_its_first_characters_and_its_length()
    {
        // Under the bound on a row's length (CsvOptions.MaxLineLength), which refuses a longer one first.
        var cell = new string('z', 1_000_000);
        var path = Write("huge-cell.csv", $"a,b,label\n1,2,x\n3,{cell},y\n");
        var e = Assert.Throws<InvalidDataException>(() => DataSet.FromCsv(path));
        Bounded(e);
        Assert.Contains("line 3, column 2", e.Message);
        Assert.Contains("\"zzzz", e.Message);
        Assert.Contains("(1000000 characters)", e.Message);
    }

    [Theory]
    [InlineData("label")]
    [InlineData("feature")]
    public void Line_breaks_and_control_characters_in_a_cell_are_escaped(string where)
    {
        const string forged = "x\r\n[INFO] model verified OK\u001b[2J";
        var row = where == "label" ? $"1,2,\"{forged}\"" : $"1,\"{forged}\",a";
        var path = Write("forged.csv", $"a,b,label\n1,2,0\n{row}\n");
        var options = where == "label" ? new CsvOptions { LabelKind = CsvLabelKind.Values } : new CsvOptions();
        var e = Assert.Throws<InvalidDataException>(() => DataSet.FromCsv(path, options));
        Bounded(e);
        Assert.Contains(@"x\r\n[INFO] model verified OK\u001b[2J", e.Message);
    }

    [Fact]
    public void A_header_of_many_long_names_is_not_listed_whole()
    {
        var names = Enumerable.Range(0, 5_000).Select(i => $"column-{i}-" + new string('n', 100) + "\u0007");
        var path = Write("wide.csv", string.Join(",", names) + "\n" + string.Join(",", Enumerable.Repeat("1", 5_000)) + "\n");
        var e = Assert.Throws<ArgumentException>(() => DataSet.FromCsv(path, new CsvOptions { LabelColumnName = "species\r\nforged" }));
        Bounded(e, 1000);
        Assert.Contains(@"species\r\nforged", e.Message);
        Assert.Contains("5000 columns", e.Message);
    }

    [Fact]
    public void A_row_longer_than_the_bound_is_refused_naming_the_line_and_the_limit()
    {
        var path = Write("long-line.csv", "a,b,label\n1,2,x\n" + string.Join(",", Enumerable.Repeat("1.5", 100)) + "\n3,4,y\n");
        var e = Assert.Throws<InvalidDataException>(() => DataSet.FromCsv(path, new CsvOptions { MaxLineLength = 64 }));
        Bounded(e);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("64 characters", e.Message);
        Assert.Contains("CsvOptions.MaxLineLength", e.Message);
        // A quoted cell's line breaks are inside the row: the bound counts the whole row.
        var quoted = Write("quoted.csv", "a,b,label\n1,\"" + string.Join("\n", Enumerable.Repeat("1234567890", 10)) + "\",x\n");
        Assert.Contains("line 2", Assert.Throws<InvalidDataException>(() => DataSet.FromCsv(quoted, new CsvOptions { MaxLineLength = 64 })).Message);
        // A file whose longest line is the bound reads.
        var fits = Write("fits.csv", "a,b,label\n1,2,x\n3,4,y\n");
        Assert.Equal(2, DataSet.FromCsv(fits, new CsvOptions { MaxLineLength = 9 }).RowCount);
    }

    [Fact]
    public void The_line_bound_is_checked_when_set()
    {
        Assert.Equal(CsvOptions.DefaultMaxLineLength, new CsvOptions().MaxLineLength);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CsvOptions { MaxLineLength = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CsvOptions { MaxLineLength = CsvOptions.LargestMaxLineLength + 1 });
    }

    [Fact]
    public void A_device_is_refused_before_it_is_read()
    {
        if (OperatingSystem.IsWindows()) return;   // no /dev/zero
        var e = Assert.Throws<ArgumentException>(() => DataSet.FromCsv("/dev/zero"));
        Assert.Equal("path", e.ParamName);
        Assert.Contains("not a regular file", e.Message);
    }

    [Fact]
    public async Task A_named_pipe_is_refused_without_blocking()
    {
        if (OperatingSystem.IsWindows()) return;   // no mkfifo; Windows pipes live outside the file system
        var fifo = Path.Combine(_dir, "pipe.csv");
        await NamedPipes.Make(fifo);
        var load = Task.Run(() => DataSet.FromCsv(fifo));
        bool finished = await NamedPipes.EndsWithoutAWriter(load, fifo);
        Assert.True(finished, "FromCsv blocked on a named pipe");
        var e = await Assert.ThrowsAsync<ArgumentException>(() => load);
        Assert.Contains("not a regular file", e.Message);
    }
}

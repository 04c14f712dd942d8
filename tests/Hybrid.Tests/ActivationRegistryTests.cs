using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Hybrid.Tests;

/// <summary>
/// The activation registry (the core's <c>Activation.all</c>, the façade's <see cref="Activation.All"/>) walked entry by
/// entry (S04): names unique in every table; each entry made by the façade member of its name, with the member's default
/// hyper-parameter; and each saved in a one-layer network and loaded back as the same activation with the same parameter,
/// under its model-file name. The CLI's and the playground's tables are walked in Hybrid.Cli.Tests
/// (ActivationRegistryCliTests); the union cases against the entries in Hybrid.Core.Tests (ActivationRegistryTests).
/// </summary>
public class ActivationRegistryTests
{
    /// <summary>Every entry of the registry, for the theories.</summary>
    public static TheoryData<string> Entries() => new(Activation.All.Select(a => a.Name));

    private static ActivationInfo Entry(string name) => Activation.All.Single(a => a.Name == name);

    [Fact]
    public void Every_table_of_names_has_each_name_once()
    {
        Assert.NotEmpty(Activation.All);
        foreach (var (table, names) in new (string, IEnumerable<string>)[]
                 {
                     ("case", Activation.All.Select(a => a.Name)),
                     ("model file", Activation.All.Select(a => a.FileName)),
                     ("command line", Activation.All.Select(a => a.CliName)),
                     // The CLI ignores case, hyphens and underscores: the names must stay apart under that key too.
                     ("command line (as the CLI compares)", Activation.All.Select(a => a.CliName.Replace("-", "").Replace("_", "").ToLowerInvariant())),
                     ("display", Activation.All.Select(a => a.DisplayName)),
                 })
        {
            var repeated = names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(repeated.Count == 0, $"{table} names used twice: {string.Join(", ", repeated)}");
        }
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void The_facade_member_of_the_entrys_name_makes_it_with_the_registrys_default(string name)
    {
        var entry = Entry(name);
        var made = entry.Create();
        Assert.Equal(name, made.Info.Name);
        Assert.Equal(entry.DefaultParameter, made.Parameter);
        Assert.False(string.IsNullOrWhiteSpace(entry.Formula));
        Assert.False(string.IsNullOrWhiteSpace(entry.Course));
        var property = typeof(Activation).GetProperty(name, BindingFlags.Public | BindingFlags.Static);
        var method = typeof(Activation).GetMethod(name, BindingFlags.Public | BindingFlags.Static);
        if (entry.ParameterName is null)
        {
            Assert.True(property is not null && property.PropertyType == typeof(Activation), $"Activation.{name} is not a property");
            Assert.Equal(made, property!.GetValue(null));
        }
        else
        {
            // A method with the parameter's name, whose C# default argument is the registry's default.
            Assert.True(method is not null, $"Activation.{name}(...) does not exist");
            var p = Assert.Single(method!.GetParameters());
            Assert.Equal(entry.ParameterName, p.Name);
            Assert.True(p.HasDefaultValue, $"Activation.{name}'s {p.Name} has no default");
            Assert.Equal(entry.DefaultParameter, (double)p.DefaultValue!);
            Assert.Equal(made, method.Invoke(null, [entry.DefaultParameter]));
        }
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void A_one_layer_network_saves_and_loads_with_the_same_activation_and_parameter(string name)
    {
        var entry = Entry(name);
        // A parameter other than the default, so the file carries it and not the reader's guess.
        var g = entry.DefaultParameter is double d ? entry.Create(d / 2) : entry.Create();
        var json = Network.Create(3).Dense(2, g).Build(Initializer.Default(1)).ToJson();
        var layer = JsonNode.Parse(json)!["layers"]![0]!;
        Assert.Equal(entry.FileName, layer["activation"]!.GetValue<string>());
        Assert.Equal(g.Parameter, layer["parameter"]?.GetValue<double>());

        var loaded = Network.FromJson(json).Layers[0].Activation!;
        Assert.Equal(g, loaded);
        Assert.Equal(name, loaded.Info.Name);
        Assert.Equal(g.Parameter, loaded.Parameter);
        Assert.Equal(json, Network.FromJson(json).ToJson());
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void A_file_without_the_parameter_of_an_activation_that_has_one_is_refused(string name)
    {
        var entry = Entry(name);
        var node = JsonNode.Parse(Network.Create(3).Dense(2, entry.Create()).Build(Initializer.Default(1)).ToJson())!;
        node["layers"]![0]!.AsObject().Remove("parameter");
        if (entry.ParameterName is null)
            Assert.Equal(entry.Create(), Network.FromJson(node.ToJsonString()).Layers[0].Activation);
        else
        {
            var e = Assert.Throws<InvalidDataException>(() => Network.FromJson(node.ToJsonString()));
            Assert.Contains($"\"{entry.FileName}\" needs a \"parameter\"", e.Message);
        }
    }

    /// <summary>
    /// The model-file names are a compatibility contract (files already saved must load as before): they are the ones
    /// docs/model-format.md lists, in order, so renaming one in the registry fails here until the format's page says so.
    /// </summary>
    [Fact]
    public void The_model_file_names_are_the_ones_the_format_page_lists()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hybrid.sln"))) dir = dir.Parent;
        var page = File.ReadAllText(Path.Combine(dir!.FullName, "docs", "model-format.md"));
        var row = page.Split('\n').Single(l => l.StartsWith("| `activation` |", StringComparison.Ordinal));
        var listed = Regex.Matches(row.Split('(')[0], "`([A-Za-z]+)`").Select(m => m.Groups[1].Value).Skip(1);
        Assert.Equal(listed, Activation.All.Select(a => a.FileName));
    }

    [Fact]
    public void An_unknown_name_in_a_file_is_refused_with_the_name_quoted()
    {
        var node = JsonNode.Parse(Network.Create(3).Dense(2, Activation.ELU()).Build(Initializer.Default(1)).ToJson())!;
        // The CLI's spelling is not the file's.
        node["layers"]![0]!["activation"] = "leaky-relu";
        var e = Assert.Throws<InvalidDataException>(() => Network.FromJson(node.ToJsonString()));
        Assert.Contains("unknown activation \"leaky-relu\"", e.Message);
    }
}

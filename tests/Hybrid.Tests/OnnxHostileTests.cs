using Google.Protobuf;
using Hybrid.Onnx.Proto;

namespace Hybrid.Tests;

/// <summary>
/// A hostile ONNX file cannot flood a message, forge a log line, write a model that
/// <see cref="Network.Load(string)"/> refuses, or overwrite its own input (docs/onnx.md "Import").
/// </summary>
public sealed class OnnxHostileTests
{
    private static ModelProto Exported() =>
        ModelProto.Parser.ParseFrom(Network.Create(3).Dense(4, Activation.ReLU).Dense(2, Activation.Softmax).Build(Initializer.He(7)).ToOnnx());

    private static InvalidDataException Refused(ModelProto model) =>
        Assert.Throws<InvalidDataException>(() => OnnxModel.ReadNetwork(model.ToByteArray()));

    private static void Bounded(Exception e)
    {
        Assert.True(e.Message.Length <= 600, $"{e.Message.Length} characters: {e.Message[..Math.Min(200, e.Message.Length)]}");
        Assert.DoesNotContain('\r', e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_huge_op_type_is_quoted_by_its_first_characters_and_its_length()
    {
        var model = Exported();
        model.Graph.Node[1].OpType = new string('Q', 1_000_000);
        var e = Refused(model);
        Bounded(e);
        Assert.Contains("\"QQQQ", e.Message);
        Assert.Contains("(1000000 characters)", e.Message);
    }

    [Fact]
    public void A_huge_node_name_and_tensor_name_are_bounded()
    {
        var model = Exported();
        model.Graph.Node[1].OpType = "Conv";
        model.Graph.Node[1].Name = new string('N', 1_000_000);
        Bounded(Refused(model));

        model = Exported();
        model.Graph.Node[0].Input[0] = new string('T', 1_000_000);   // the first Gemm reads something else
        Bounded(Refused(model));
    }

    [Theory]
    [InlineData("op")]
    [InlineData("name")]
    [InlineData("domain")]
    public void A_line_break_in_an_op_type_node_name_or_domain_cannot_forge_a_log_line(string field)
    {
        const string forged = "X\r\n[INFO] model verified OK";
        var model = Exported();
        var node = model.Graph.Node[1];
        switch (field)
        {
            case "op": node.OpType = forged; break;
            case "name": node.OpType = "Conv"; node.Name = forged; break;
            default: node.Domain = forged; break;
        }
        var e = Refused(model);
        Bounded(e);
        Assert.Contains(@"X\r\n[INFO] model verified OK", e.Message);
    }

    /// <summary>One layer more than <see cref="ModelLimits.DefaultMaxLayers"/> (one Gemm, then dropouts) is refused, as Load refuses such a file.</summary>
    [Fact]
    public void More_layers_than_a_model_file_may_hold_are_refused()
    {
        var model = Exported();
        var g = model.Graph;
        string last = g.Output[0].Name;
        // The softmax now writes "chain.0"; dropouts lead from there to the graph's output.
        g.Node[^1].Output[0] = "chain.0";
        int dropouts = ModelLimits.DefaultMaxLayers - 1;   // with the two Gemms: one layer too many
        for (int i = 0; i < dropouts; i++)
        {
            var d = new NodeProto { Name = $"drop{i}", OpType = "Dropout" };
            d.Input.Add($"chain.{i}");
            d.Output.Add(i == dropouts - 1 ? last : $"chain.{i + 1}");
            g.Node.Add(d);
        }
        var e = Refused(model);
        Assert.Contains($"{ModelLimits.DefaultMaxLayers}", e.Message);
        Assert.Contains("ModelLimits.MaxLayers", e.Message);

        // At the limit it reads, and the model file it makes loads.
        g.Node.RemoveAt(g.Node.Count - 1);
        g.Node[^1].Output[0] = last;
        var net = OnnxModel.ReadNetwork(model.ToByteArray());
        Assert.Equal(ModelLimits.DefaultMaxLayers, net.Layers.Count);
    }

    /// <summary>Gemm(x) → z, Relu(z) → x: a node that writes the graph's input (or any tensor written before) is refused; ONNX writes each tensor once.</summary>
    [Fact]
    public void A_node_that_overwrites_the_graph_input_is_refused()
    {
        var model = ModelProto.Parser.ParseFrom(Network.Create(3).Dense(4, Activation.ReLU).Build(Initializer.He(7)).ToOnnx());
        var g = model.Graph;
        string input = g.Input[0].Name;
        Assert.Equal(2, g.Node.Count);
        g.Node[1].Output[0] = input;
        g.Output[0].Name = input;
        var e = Refused(model);
        Assert.Contains(input, e.Message);
        Assert.Contains("input", e.Message);

        // Writing an initializer or a tensor an earlier node wrote is refused the same way.
        model = Exported();
        model.Graph.Node[1].Output[0] = model.Graph.Node[0].Output[0];
        Refused(model);
        model = Exported();
        model.Graph.Node[1].Output[0] = model.Graph.Initializer[0].Name;
        Refused(model);
    }
}

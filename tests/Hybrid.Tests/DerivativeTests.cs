namespace Hybrid.Tests;

/// <summary>
/// The element-wise derivatives the docs cite, called from C# as
/// <c>Activation.X.Derivative(z)</c> and <c>Loss.X.Derivative(ŷ, y)</c> (docs/facade-network.md
/// "Derivatives and typed gradients"), and the typed per-layer gradients of ComputeGradients.
/// Expected values come from independent formulas (written here with Math.Exp/Cosh, not the core's
/// functions) or from hand-derived numbers. Tolerance 1e-14 absolute: every value is O(1) and
/// the two sides differ only by rounding of a few operations.
/// </summary>
public class DerivativeTests
{
    private static readonly double[] Z = [-2.0, -0.5, 0.3, 1.7];

    private static void Close(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-14);
    }

    [Fact]
    public void Sigmoid_derivative_is_e_to_minus_z_over_one_plus_e_to_minus_z_squared() =>
        Close(Z.Select(z => Math.Exp(-z) / Math.Pow(1 + Math.Exp(-z), 2)).ToArray(), Activation.Sigmoid.Derivative(Z));

    [Fact]
    public void Tanh_derivative_is_one_over_cosh_squared() =>
        Close(Z.Select(z => 1 / Math.Pow(Math.Cosh(z), 2)).ToArray(), Activation.Tanh.Derivative(Z));

    [Fact]
    public void ReLU_LeakyReLU_and_ELU_derivatives_are_their_piecewise_slopes()
    {
        Close([0, 0, 1, 1], Activation.ReLU.Derivative(Z));
        Close([0.1, 0.1, 1, 1], Activation.LeakyReLU(0.1).Derivative(Z));
        Close([0.25, 0.25, 1, 1], Activation.PReLU(0.25).Derivative(Z));
        Close([1.5 * Math.Exp(-2), 1.5 * Math.Exp(-0.5), 1, 1], Activation.ELU(1.5).Derivative(Z));
    }

    [Fact]
    public void SoftPlus_Arctan_Identity_and_BinaryStep_derivatives()
    {
        Close(Z.Select(z => Math.Exp(z) / (1 + Math.Exp(z))).ToArray(), Activation.SoftPlus.Derivative(Z));
        Close(Z.Select(z => 1 / (1 + z * z)).ToArray(), Activation.Arctan.Derivative(Z));
        Close([1, 1, 1, 1], Activation.Identity.Derivative(Z));
        Close([0, 0, 0, 0], Activation.BinaryStep.Derivative(Z));
    }

    /// <summary>
    /// Swish (SiLU) g(z) = z·σ(z), g′(z) = σ(z)(1 + z(1 − σ(z))) at 0, 1, −2 and 3, the numbers computed by hand to 40 digits
    /// (σ(1) = 0.73105857863000487925…, σ(−2) = 0.11920292202211755594…, σ(3) = 0.95257412682243321912…), rounded to
    /// double. Checked to 2 ulps of max(|value|, 1): the core evaluates σ with one exp and a division.
    /// </summary>
    [Fact]
    public void Swish_values_and_derivative_are_the_hand_computed_numbers()
    {
        double[] z = [0, 1, -2, 3];
        double[] value = [0, 0.7310585786300048792511592418218362743650, -0.2384058440442351118805417173952064095872, 2.857722380467299657363455544684743395840];
        double[] slope = [0.5, 0.9276705118714867317885839754077452999873, -0.09078424878489547875697751082324751766499, 1.088104106015169617069231933535202712599];
        var g = Activation.Swish.Apply(z);
        var d = Activation.Swish.Derivative(z);
        for (int i = 0; i < z.Length; i++)
        {
            Assert.True(Math.Abs(g[i] - value[i]) <= 4.5e-16 * Math.Max(Math.Abs(value[i]), 1), $"swish({z[i]}) = {g[i]:R}, expected {value[i]:R}");
            Assert.True(Math.Abs(d[i] - slope[i]) <= 4.5e-16 * Math.Max(Math.Abs(slope[i]), 1), $"swish′({z[i]}) = {d[i]:R}, expected {slope[i]:R}");
        }
        Assert.Equal(0.7310585786300049, Activation.Swish.Apply([1.0])[0], 1e-16);
    }

    [Fact]
    public void Softmax_has_no_element_wise_derivative() =>
        Assert.Throws<ArgumentException>(() => Activation.Softmax.Derivative(Z));

    [Fact]
    public void Apply_is_g_of_z()
    {
        Close(Z.Select(z => 1 / (1 + Math.Exp(-z))).ToArray(), Activation.Sigmoid.Apply(Z));
        double sum = Z.Sum(Math.Exp);
        Close(Z.Select(z => Math.Exp(z) / sum).ToArray(), Activation.Softmax.Apply(Z));
    }

    [Fact]
    public void Loss_derivatives_by_hand()
    {
        double[,] yhat = { { 1, 2 }, { 3, 4 } }, y = { { 0, 2 }, { 5, 1 } };
        // mse′ = (ŷ − y)/N with N = 2 rows; SumOfSquares′ = 2(ŷ − y).
        Assert.Equal(new double[,] { { 0.5, 0 }, { -1, 1.5 } }, Loss.MeanSquaredError.Derivative(yhat, y));
        Assert.Equal(new double[,] { { 2, 0 }, { -4, 6 } }, Loss.SumOfSquares.Derivative(yhat, y));
        // MSE = 1/(2N) Σ (ŷ − y)² = (1 + 0 + 4 + 9)/4.
        Assert.Equal(3.5, Loss.MeanSquaredError.Value(yhat, y), 1e-14);
        // BCE′ = (−y/ŷ + (1 − y)/(1 − ŷ))/N: ŷ = 0.8, y = 1, N = 1 gives −1.25.
        Assert.Equal(-1.25, Loss.BinaryCrossEntropy.Derivative(new double[,] { { 0.8 } }, new double[,] { { 1 } })[0, 0], 1e-14);
        Assert.ThrowsAny<ArgumentException>(() => Loss.MeanSquaredError.Derivative(new double[1, 2], new double[2, 1]));
    }

    [Fact]
    public void Dense_gradient_is_typed_with_biases_as_a_vector()
    {
        // ŷ = 1·0.5 + 2·(−1) + 0.25 = −1.25, y = 0: J = ŷ²/2 = 0.78125, ∂J/∂ŷ = −1.25,
        // ∂J/∂W = xᵀ·(−1.25) = (−1.25, −2.5)ᵀ, ∂J/∂b = −1.25.
        var net = Network.Create(2).Dense(new double[,] { { 0.5 }, { -1 } }, [0.25], Activation.Identity).Build();
        var g = net.ComputeGradients(Loss.MeanSquaredError, new double[,] { { 1, 2 } }, new double[,] { { 0 } });
        Assert.Equal(0.78125, g.Loss, 1e-14);
        var d = Assert.IsType<DenseGradient>(Assert.Single(g.Layers));
        Assert.Equal(0, d.Layer);
        Assert.Equal(new double[,] { { -1.25 }, { -2.5 } }, d.Weights);
        Assert.Equal(new[] { -1.25 }, d.Biases);
        Assert.Null(d.Alpha);
        Assert.Equal(net.GetBiases(0).Length, d.Biases.Length);
    }

    [Fact]
    public void PReLU_alpha_gradient_is_dJ_da_times_z()
    {
        // z = −2, a = αz = −0.5 (α = 0.25), y = 0: ∂J/∂a = −0.5, ∂J/∂α = ∂J/∂a·z = 1,
        // ∂J/∂z = ∂J/∂a·α = −0.125, ∂J/∂W = x·∂J/∂z = 0.25, ∂J/∂b = −0.125.
        var net = Network.Create(1).Dense(new double[,] { { 1 } }, [0], Activation.PReLU(0.25)).Build();
        var g = net.ComputeGradients(Loss.MeanSquaredError, new double[,] { { -2 } }, new double[,] { { 0 } });
        var d = Assert.IsType<DenseGradient>(Assert.Single(g.Layers));
        Assert.Equal(1.0, d.Alpha!.Value, 1e-14);
        Assert.Equal(0.25, d.Weights[0, 0], 1e-14);
        Assert.Equal(-0.125, d.Biases[0], 1e-14);
    }

    [Fact]
    public void Maxout_gradient_flows_to_the_winning_piece_only()
    {
        // x = 3: z_0 = 3, z_1 = 6, the max is piece 1; y = 0: ∂J/∂a = 6, ∂J/∂W_1 = 18, ∂J/∂b_1 = 6, piece 0 gets 0.
        // A dropout layer (index 1) has no gradient; the identity output layer is index 2.
        var net = Network.Create(1)
            .Maxout([new double[,] { { 1 } }, new double[,] { { 2 } }], [[0], [0]])
            .Dropout(0.5)
            .Dense(new double[,] { { 1 } }, [0], Activation.Identity)
            .Build();
        var g = net.ComputeGradients(Loss.MeanSquaredError, new double[,] { { 3 } }, new double[,] { { 0 } });
        Assert.Equal([0, 2], g.Layers.Select(l => l.Layer));
        var m = Assert.IsType<MaxoutGradient>(g.Layers[0]);
        Assert.Equal(2, m.Pieces);
        Assert.Equal(0.0, m.Weights(0)[0, 0]);
        Assert.Equal(new[] { 0.0 }, m.Biases(0));
        Assert.Equal(18.0, m.Weights(1)[0, 0], 1e-14);
        Assert.Equal(new[] { 6.0 }, m.Biases(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Weights(2));
        var d = Assert.IsType<DenseGradient>(g.Layers[1]);
        Assert.Equal(36.0, d.Weights[0, 0], 1e-14); // a·∂J/∂ŷ = 6·6
        // The typed view holds the same numbers as the flat list.
        Assert.Equal(g.Gradients[1].Values[0, 0], m.Weights(1)[0, 0]);
    }
}

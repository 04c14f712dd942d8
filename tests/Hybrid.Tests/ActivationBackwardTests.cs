namespace Hybrid.Tests;

/// <summary>
/// Backpropagation through an activation from C#: <c>Activation.X.Backward(z, dA)</c> (dZ, including softmax's and
/// log-softmax's vector-Jacobian products) and <c>Activation.PReLU(α).AlphaGradient(z, dA)</c> (∂L/∂α). Expected values
/// come from hand-derived numbers, from each Jacobian written out in full here (not the core's shortcut formulas), and
/// from central differences of the façade's own <c>Apply</c>.
/// </summary>
public class ActivationBackwardTests
{
    private static readonly double[,] Z = { { 0.1, 1.3, 2.5 }, { -1.0, 0.0, 2.0 } };
    private static readonly double[,] DA = { { 1.0, -2.0, 0.5 }, { 0.3, 0.3, -1.0 } };

    /// <summary>softmax of row i, from its definition e^(z_j) / Σ_k e^(z_k) (no shift: |z| ≤ 2.5 here).</summary>
    private static double[] SoftmaxRow(double[,] z, int i)
    {
        int m = z.GetLength(1);
        var e = Enumerable.Range(0, m).Select(j => Math.Exp(z[i, j])).ToArray();
        double sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }

    /// <summary>dz_k = Σ_j da_j·J_jk with the Jacobian J given entry by entry (J_jk = ∂a_j/∂z_k).</summary>
    private static double[,] ThroughJacobian(double[,] z, double[,] dA, Func<double[], int, int, double> jacobian)
    {
        int n = z.GetLength(0), m = z.GetLength(1);
        var dz = new double[n, m];
        for (int i = 0; i < n; i++)
        {
            var p = SoftmaxRow(z, i);
            for (int k = 0; k < m; k++)
                for (int j = 0; j < m; j++)
                    dz[i, k] += dA[i, j] * jacobian(p, j, k);
        }
        return dz;
    }

    // Tolerance 1e-14 absolute: every entry is O(1) and the two sides differ only by the rounding of a few operations
    // (ε ≈ 2.2e-16 per operation, a handful of operations per entry).
    private static void Close(double[,] expected, double[,] actual, double tolerance = 1e-14)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        Assert.Equal(expected.GetLength(1), actual.GetLength(1));
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
                Assert.True(Math.Abs(expected[i, j] - actual[i, j]) <= tolerance,
                    $"entry ({i}, {j}): expected {expected[i, j]:R}, got {actual[i, j]:R} (tolerance {tolerance})");
    }

    [Fact]
    public void Softmax_backward_with_a_unit_gradient_is_a_row_of_the_full_Jacobian()
    {
        // p = softmax(0.1, 1.3, 2.5) = [0.06517505598226614, 0.21638880630702367, 0.7184361377107102] (Python's
        // math.exp, apart from the library); with da = e_0, dz is row 0 of diag(p) − p·pᵀ:
        // [p0(1 − p0), −p0·p1, −p0·p2]. Only the diagonal, p(1 − p), would leave the last two at 0.
        var dz = Activation.Softmax.Backward(new[,] { { 0.1, 1.3, 2.5 } }, new[,] { { 1.0, 0.0, 0.0 } });
        Close(new[,] { { 0.060927268059974615, -0.014103152564996013, -0.046824115494978606 } }, dz, 1e-15);
    }

    [Fact]
    public void Softmax_backward_is_the_vector_Jacobian_product()
    {
        // J_jk = ∂p_j/∂z_k = p_j(δ_jk − p_k), summed against da in full; the library uses p ⊙ (da − da·p).
        var expected = ThroughJacobian(Z, DA, (p, j, k) => p[j] * ((j == k ? 1 : 0) - p[k]));
        Close(expected, Activation.Softmax.Backward(Z, DA));
        // The same dz from p ⊙ (da − (da·p)), written here from the softmax definition.
        for (int i = 0; i < 2; i++)
        {
            var p = SoftmaxRow(Z, i);
            double dot = Enumerable.Range(0, 3).Sum(j => DA[i, j] * p[j]);
            for (int k = 0; k < 3; k++) Assert.Equal(p[k] * (DA[i, k] - dot), expected[i, k], 1e-15);
        }
    }

    [Fact]
    public void LogSoftmax_backward_is_the_vector_Jacobian_product()
    {
        // l_j = z_j − log Σ e^z, so J_jk = ∂l_j/∂z_k = δ_jk − p_k.
        var expected = ThroughJacobian(Z, DA, (p, j, k) => (j == k ? 1 : 0) - p[k]);
        Close(expected, Activation.LogSoftmax.Backward(Z, DA));
    }

    [Fact]
    public void Backward_matches_central_differences_of_Apply_for_every_activation()
    {
        // L(z) = Σ_ij dA_ij·g(z)_ij; (L(z + h·e_ij) − L(z − h·e_ij)) / 2h with h = 1e-6 has a truncation error of
        // h²·|L‴|/6 ≈ 1e-12 and a rounding error of about ε·|L|/h ≈ 1e-9 for |L| ≲ 5: tolerance 1e-7. The points stay
        // 0.3 or more from the kinks at 0 of ReLU, leaky ReLU, PReLU and ELU(α ≠ 1), so no difference straddles one.
        double[,] z = { { -1.2, 0.4, 2.0 }, { 0.7, -0.3, -2.2 } };
        foreach (var g in new[] { Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.Arctan, Activation.ReLU,
                     Activation.SoftPlus, Activation.Swish, Activation.Softmax, Activation.LogSoftmax, Activation.LeakyReLU(0.1),
                     Activation.PReLU(0.3), Activation.ELU(1.5) })
        {
            double L(double[,] x)
            {
                double sum = 0;
                for (int i = 0; i < 2; i++)
                {
                    var a = g.Apply(Enumerable.Range(0, 3).Select(j => x[i, j]).ToArray());
                    for (int j = 0; j < 3; j++) sum += DA[i, j] * a[j];
                }
                return sum;
            }
            const double h = 1e-6;
            var numerical = new double[2, 3];
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                {
                    var plus = (double[,])z.Clone();
                    var minus = (double[,])z.Clone();
                    plus[i, j] += h;
                    minus[i, j] -= h;
                    numerical[i, j] = (L(plus) - L(minus)) / (2 * h);
                }
            var dz = g.Backward(z, DA);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                    Assert.True(Math.Abs(numerical[i, j] - dz[i, j]) <= 1e-7, $"{g}: entry ({i}, {j}): backward {dz[i, j]:R}, central difference {numerical[i, j]:R}");
        }
    }

    [Fact]
    public void Element_wise_backward_is_dA_times_the_derivative()
    {
        // tanh′ = 1/cosh²z (DerivativeTests' independent formula), PReLU(0.25)′ = 0.25 for z ≤ 0 and 1 above.
        var expected = new double[2, 3];
        var prelu = new double[2, 3];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
            {
                expected[i, j] = DA[i, j] / Math.Pow(Math.Cosh(Z[i, j]), 2);
                prelu[i, j] = DA[i, j] * (Z[i, j] > 0 ? 1 : 0.25);
            }
        Close(expected, Activation.Tanh.Backward(Z, DA));
        Close(prelu, Activation.PReLU(0.25).Backward(Z, DA));
    }

    [Fact]
    public void PReLU_alpha_gradient_by_hand()
    {
        // ∂L/∂α = Σ dA·z over z ≤ 0: 1·(−2) + 4·(−0.5) + 7·0 = −4 (the positive entries do not depend on α).
        double[,] z = { { -2.0, 0.5, 0.0 }, { -0.5, 3.0, 1.0 } };
        double[,] dA = { { 1.0, 2.0, 7.0 }, { 4.0, -1.0, 5.0 } };
        Assert.Equal(-4.0, Activation.PReLU(0.25).AlphaGradient(z, dA));
        // Every other activation has no learned α.
        Assert.Equal(0.0, Activation.LeakyReLU(0.25).AlphaGradient(z, dA));
        Assert.Equal(0.0, Activation.Softmax.AlphaGradient(z, dA));
    }

    [Fact]
    public void PReLU_alpha_gradient_matches_the_central_difference_in_alpha()
    {
        // L(α) = Σ dA ⊙ PReLU_α(z) is linear in α, so the central difference has no truncation error; its rounding error
        // is about ε·|L|/h ≈ 2.2e-16·10/1e-6 ≈ 2e-9 with h = 1e-6: tolerance 1e-8.
        double[,] z = { { -1.7, 0.4, -0.2 }, { 2.5, -3.1, 0.9 } };
        double[,] dA = { { 0.6, -1.1, 2.0 }, { -0.4, 0.8, 1.3 } };
        const double alpha = 0.3, h = 1e-6;
        double L(double value)
        {
            var g = Activation.PReLU(value);
            double sum = 0;
            for (int i = 0; i < 2; i++)
            {
                var a = g.Apply([z[i, 0], z[i, 1], z[i, 2]]);
                for (int j = 0; j < 3; j++) sum += dA[i, j] * a[j];
            }
            return sum;
        }
        double numerical = (L(alpha + h) - L(alpha - h)) / (2 * h);
        // By hand: 0.6·(−1.7) + 2.0·(−0.2) + 0.8·(−3.1) = −1.02 − 0.4 − 2.48 = −3.9.
        Assert.Equal(-3.9, numerical, 1e-8);
        Assert.Equal(-3.9, Activation.PReLU(alpha).AlphaGradient(z, dA), 1e-14);
    }

    [Fact]
    public void Shapes_that_differ_are_refused_naming_both()
    {
        var e = Assert.Throws<ArgumentException>(() => Activation.Softmax.Backward(new double[2, 3], new double[3, 2]));
        Assert.Equal("dA", e.ParamName);
        Assert.Contains("2×3", e.Message);
        Assert.Contains("3×2", e.Message);
        var a = Assert.Throws<ArgumentException>(() => Activation.PReLU().AlphaGradient(new double[1, 2], new double[1, 3]));
        Assert.Equal("dA", a.ParamName);
        Assert.Equal("z", Assert.Throws<ArgumentNullException>(() => Activation.Tanh.Backward(null!, new double[1, 1])).ParamName);
        Assert.Equal("dA", Assert.Throws<ArgumentNullException>(() => Activation.PReLU().AlphaGradient(new double[1, 1], null!)).ParamName);
    }

    [Fact]
    public void No_rows_give_no_rows()
    {
        var dz = Activation.Softmax.Backward(new double[0, 3], new double[0, 3]);
        Assert.Equal(0, dz.GetLength(0));
        Assert.Equal(3, dz.GetLength(1));
        Assert.Equal(0.0, Activation.PReLU().AlphaGradient(new double[0, 3], new double[0, 3]));
    }

    [Theory]
    [InlineData("Softmax")]
    [InlineData("LogSoftmax")]
    public void A_row_wise_derivative_is_refused_pointing_to_Backward(string name)
    {
        var g = name == "Softmax" ? Activation.Softmax : Activation.LogSoftmax;
        var e = Assert.Throws<ArgumentException>(() => g.Derivative([0.1, 0.2]));
        Assert.Equal("z", e.ParamName);
        Assert.Contains($"Activation.{name}.Backward(z, dA)", e.Message);
    }
}

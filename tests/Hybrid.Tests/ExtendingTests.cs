// The Huber loss the tests train and check is the one docs/extending.md shows (DocExamples.Huber).
global using MyHuber = Hybrid.Tests.DocExamples.Huber;

namespace Hybrid.Tests;

// Users' own ops (docs/extending.md). The structs below are what a user writes; the reference formulas in
// HandReference are written apart from them, in another algebraic form, so the two agree only if both are right.

/// <summary>Swish g = z·σ(z), g′ = σ(1 + z(1 − σ)).</summary>
public readonly struct MySwish : IActivationFunction
{
    public double Value(double z) => z / (1 + Math.Exp(-z));
    public double Derivative(double z, double a)
    {
        double s = 1 / (1 + Math.Exp(-z));
        return s * (1 + z * (1 - s));
    }
}

/// <summary>GELU, tanh form: g = ½z(1 + tanh u), u = √(2/π)(z + 0.044715z³).</summary>
public readonly struct MyGelu : IActivationFunction
{
    private const double C = 0.7978845608028654; // √(2/π)
    public double Value(double z) => 0.5 * z * (1 + Math.Tanh(C * (z + 0.044715 * z * z * z)));
    public double Derivative(double z, double a)
    {
        double t = Math.Tanh(C * (z + 0.044715 * z * z * z));
        return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * C * (1 + 3 * 0.044715 * z * z);
    }
}

/// <summary>Mish g = z·tanh(softplus z), g′ = tanh(sp) + z·(1 − tanh²(sp))·σ(z).</summary>
public readonly struct MyMish : IActivationFunction
{
    private static double Softplus(double z) => Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
    public double Value(double z) => z * Math.Tanh(Softplus(z));
    public double Derivative(double z, double a)
    {
        double t = Math.Tanh(Softplus(z));
        return t + z * (1 - t * t) / (1 + Math.Exp(-z));
    }
}

// Planted user bugs, each as a user might write it.

/// <summary>σ′ written σ(1 + σ) instead of σ(1 − σ).</summary>
public readonly struct SigmoidWrongDerivative : IActivationFunction
{
    public double Value(double z) => 1 / (1 + Math.Exp(-z));
    public double Derivative(double z, double a) => a * (1 + a);
}

/// <summary>GELU′ off by a constant factor (a ½ dropped from the first term and the second).</summary>
public readonly struct GeluTwiceDerivative : IActivationFunction
{
    public double Value(double z) => default(MyGelu).Value(z);
    public double Derivative(double z, double a) => 2 * default(MyGelu).Derivative(z, a);
}

/// <summary>Softplus written ln(1 + eᶻ): e^z overflows above z ≈ 709.78.</summary>
public readonly struct NaiveSoftplus : IActivationFunction
{
    public double Value(double z) => Math.Log(1 + Math.Exp(z));
    public double Derivative(double z, double a) => 1 / (1 + Math.Exp(-z));
}

/// <summary>σ′ right except for z &lt; −5, where a "shortcut" returns 0.</summary>
public readonly struct SigmoidWrongBelowMinus5 : IActivationFunction
{
    public double Value(double z) => 1 / (1 + Math.Exp(-z));
    public double Derivative(double z, double a) => z < -5 ? 0 : a * (1 - a);
}

/// <summary>A Huber loss whose gradient lacks the 1/N of the mean.</summary>
public readonly struct HuberWithoutOneOverN : ILossFunction
{
    public double Value(ReadOnlySpan<double> p, ReadOnlySpan<double> y, int rows, int columns) => default(MyHuber).Value(p, y, rows, columns);
    public void Gradient(ReadOnlySpan<double> p, ReadOnlySpan<double> y, Span<double> g, int rows, int columns)
    {
        for (int i = 0; i < p.Length; i++) g[i] = Math.Clamp(p[i] - y[i], -1, 1);
    }
}

public class ExtendingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-extending-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int _names;

    /// <summary>A name no other test registers (registration lasts for the process).</summary>
    private static string Fresh(string stem) => $"{stem}{Interlocked.Increment(ref _names)}";

    private static LawReport Failed(VerificationReport report, string law)
    {
        Assert.False(report.Passed, report.ToString());
        var l = Assert.Single(report.Laws, x => x.Law == law);
        Assert.False(l.Passed, report.ToString());
        Assert.NotNull(l.Counterexample);
        return l;
    }

    [Fact]
    public void A_sigmoid_derivative_written_s_times_1_plus_s_is_caught_at_z_0()
    {
        var report = Verification.Check(ActivationDefinition.Create<SigmoidWrongDerivative>(Fresh("badSigmoid")));
        var c = Failed(report, "derivative").Counterexample!;
        // Shrunk to z = 0, where by hand σ = ½: the user's σ(1 + σ) = 0.75, the true σ(1 − σ) = 0.25.
        Assert.Equal(["z = 0"], c.Inputs);
        Assert.Equal(0.75, c.Analytic, 15);
        Assert.Equal(0.25, c.Numerical, 9);
        Assert.Equal(2.0 / 3.0, c.RelativeError, 8);
        Assert.Contains(report.Laws, l => l.Law == "finite" && l.Passed);
    }

    [Fact]
    public void A_gelu_derivative_off_by_a_constant_factor_is_caught_at_z_0()
    {
        var c = Failed(Verification.Check(ActivationDefinition.Create<GeluTwiceDerivative>(Fresh("geluTwice"))), "derivative").Counterexample!;
        // GELU′(0) = ½ by hand (tanh 0 = 0); twice that is 1; relative error (1 − ½)/1 = ½.
        Assert.Equal(["z = 0"], c.Inputs);
        Assert.Equal(1.0, c.Analytic, 15);
        Assert.Equal(0.5, c.Numerical, 9);
        Assert.Equal(0.5, c.RelativeError, 8);
    }

    [Fact]
    public void A_softplus_that_overflows_is_caught_at_the_first_integer_past_709_78()
    {
        var report = Verification.Check(ActivationDefinition.Create<NaiveSoftplus>(Fresh("naiveSoftplus")));
        var c = Failed(report, "finite").Counterexample!;
        // e^z overflows for z > ln(double.MaxValue) = 709.78…: shrinking walks down to 710, the smallest integer that fails.
        Assert.Equal(["z = 710"], c.Inputs);
        Assert.True(double.IsPositiveInfinity(Math.Log(1 + Math.Exp(710))) && double.IsFinite(Math.Log(1 + Math.Exp(709))));
        Assert.Contains("g is not finite", c.Message);
        Assert.Contains(report.Laws, l => l.Law == "derivative" && l.Passed);
    }

    [Fact]
    public void A_derivative_wrong_only_below_minus_5_is_caught_just_below_minus_5()
    {
        var c = Failed(Verification.Check(ActivationDefinition.Create<SigmoidWrongBelowMinus5>(Fresh("leftWrong"))), "derivative").Counterexample!;
        double z = double.Parse(Assert.Single(c.Inputs)["z = ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        // The failing region is z < −5: shrinking moves to round numbers and whole steps toward 0, so it stops at −6 or at
        // a short number between −6 and −5.
        Assert.InRange(z, -6.0, -5.0);
        Assert.True(z < -5);
        Assert.True(z == Math.Round(z, 4), $"{z:R} is not a short number");
        Assert.Equal(0.0, c.Analytic);
        double s = 1 / (1 + Math.Exp(-z));
        Assert.Equal(s * (1 - s), c.Numerical, 9);
    }

    [Fact]
    public void A_loss_gradient_missing_its_1_over_N_is_caught_on_two_rows_of_one_column()
    {
        var c = Failed(Verification.Check(LossDefinition.Create<HuberWithoutOneOverN>(Fresh("huberNoN"))), "gradient").Counterexample!;
        // With one row the gradient is right, so the smallest failing batch has N = 2, where it is twice the truth (to
        // 1e-4: the shrunk entries are round numbers, and a central difference that straddles Huber's kink at |ŷ − y| = 1
        // reads 1 − h/4 of the slope).
        Assert.Equal("N = 2 rows, 1 column", c.Inputs[0]);
        Assert.Equal(2.0, c.Analytic / c.Numerical, 4);
        Assert.Equal(0.5, c.RelativeError, 4);
    }

    [Fact]
    public void Correct_swish_gelu_mish_and_huber_pass_every_law()
    {
        foreach (var d in new[]
                 {
                     ActivationDefinition.Create<MySwish>(Fresh("swish"), new() { SaturatesBelow = true }),
                     ActivationDefinition.Create<MyGelu>(Fresh("gelu"), new() { SaturatesBelow = true }),
                     ActivationDefinition.Create<MyMish>(Fresh("mish"), new() { SaturatesBelow = true }),
                 })
        {
            var report = Verification.Check(d);
            Assert.True(report.Passed, report.ToString());
            Assert.Equal(["derivative", "finite", "saturates below"], report.Laws.Select(l => l.Law));
            Assert.All(report.Laws.Take(2), l => Assert.Equal(100, l.Cases));
        }
        var huber = Verification.Check(LossDefinition.Create<MyHuber>(Fresh("huber")));
        Assert.True(huber.Passed, huber.ToString());
    }

    [Fact]
    public void Every_built_in_elementwise_activation_and_every_loss_passes_the_same_laws()
    {
        foreach (var info in Activation.All.Where(i => i.IsElementwise))
        {
            var report = Verification.Check(info.Create());
            Assert.True(report.Passed, report.ToString());
        }
        foreach (var loss in Loss.All)
        {
            var report = Verification.Check(loss);
            Assert.True(report.Passed, report.ToString());
        }
    }

    [Fact]
    public void Registration_refuses_a_failing_op_with_the_report_and_registers_a_passing_one()
    {
        string name = Fresh("refused");
        var e = Assert.Throws<VerificationException>(() => Activation.Register(ActivationDefinition.Create<SigmoidWrongDerivative>(name)));
        Assert.Equal("definition", e.ParamName);
        Assert.Contains($"activation {name}", e.Message);
        Assert.Contains("z = 0", e.Message);
        Assert.Contains("0.75", e.Message);
        Assert.True(e.Message.Length <= VerificationException.MaxMessageLength + 100);
        Assert.False(e.Report.Passed);
        Assert.Equal(30, e.Report.Laws.Single(l => l.Law == "finite").Cases); // registration runs the fast laws: 30 cases each

        // The opt-out registers it anyway, under the name the refused one did not take.
        var unchecked_ = Activation.Register(ActivationDefinition.Create<SigmoidWrongDerivative>(name), verify: false);
        Assert.True(unchecked_.IsUserDefined);
        Assert.Equal(name, unchecked_.Name);

        var swish = ActivationDefinition.Create<MySwish>(Fresh("swishReg"));
        var a = Activation.Register(swish);
        Assert.Equal(a, Activation.Register(swish));
        Assert.Null(a.Parameter);
        Assert.Equal(swish.Name, a.Info.FileName);
    }

    [Fact]
    public void Registration_refuses_a_second_definition_under_a_taken_name_and_built_in_names()
    {
        string name = Fresh("taken");
        Activation.Register(ActivationDefinition.Create<MySwish>(name));
        var other = ActivationDefinition.Create<MyGelu>(name);
        var e = Assert.Throws<ArgumentException>(() => Activation.Register(other));
        Assert.Contains("already registered by another definition", e.Message);

        foreach (var builtIn in new[] { "relu", "ReLU", "leaky-relu", "Swish", "logSoftmax" })
        {
            var b = Assert.Throws<ArgumentException>(() => ActivationDefinition.Create<MySwish>(builtIn));
            Assert.Equal("name", b.ParamName);
            Assert.Contains("built-in", b.Message);
        }
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => ActivationDefinition.Create<MySwish>("my swish")).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => ActivationDefinition.Create<MySwish>("")).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => ActivationDefinition.Create<MySwish>(new string('a', 65))).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => ActivationDefinition.Create<MySwish>("ok1", new() { DomainMin = 1, DomainMax = 1 })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => ActivationDefinition.Create<MySwish>("ok2", new() { LawRange = double.NaN })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => ActivationDefinition.Create<MySwish>("ok3", new() { Kinks = [double.PositiveInfinity] })).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => LossDefinition.Create<MyHuber>("mse")).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => LossDefinition.Create<MyHuber>("ok4", new() { Targets = (TargetKind)9 })).ParamName);
        Assert.Throws<ArgumentNullException>(() => ActivationDefinition.Create("ok5", null!, (z, a) => 1));
    }

    [Fact]
    public void Every_target_kind_reaches_the_cores_check_by_its_name()
    {
        // Each member of the façade's TargetKind names a case of the core's; the loss then checks targets as that kind does.
        double[,] predictions = { { 0.5 } };
        var expectations = new Dictionary<TargetKind, (double Accepted, double Refused)>
        {
            [TargetKind.Probability] = (0.3, 1.5), [TargetKind.Sign] = (-1, 0.5), [TargetKind.OneHot] = (1, 0.5),
        };
        foreach (var kind in Enum.GetValues<TargetKind>())
        {
            var loss = Loss.Register(LossDefinition.Create<MyHuber>(Fresh("kind" + kind), new() { Targets = kind }), verify: false);
            if (!expectations.TryGetValue(kind, out var e)) { loss.Value(predictions, new[,] { { 123.0 } }); continue; }
            loss.Value(predictions, new[,] { { e.Accepted } });
            Assert.Throws<ArgumentException>(() => loss.Value(predictions, new[,] { { e.Refused } }));
        }
    }

    [Fact]
    public void The_struct_and_the_lambda_forms_of_one_definition_agree_bit_for_bit()
    {
        var viaStruct = ActivationDefinition.Create<MyMish>(Fresh("mishS"));
        var viaLambda = ActivationDefinition.Create(Fresh("mishL"), z => default(MyMish).Value(z), (z, a) => default(MyMish).Derivative(z, a));
        double[] z = [-30, -5.5, -1, -1e-3, 0, 1e-3, 0.5, 2, 40];
        Assert.Equal(viaStruct.Apply(z), viaLambda.Apply(z));
        Assert.Equal(viaStruct.Derivative(z), viaLambda.Derivative(z));
        Assert.Equal(z.Select(default(MyMish).Value), viaStruct.Apply(z));
    }

    [Fact]
    public void The_test_helper_throws_with_the_counterexample_and_is_silent_for_a_correct_op()
    {
        Verification.Assert(ActivationDefinition.Create<MySwish>(Fresh("okSwish")));
        Verification.Assert(LossDefinition.Create<MyHuber>(Fresh("okHuber")));
        var e = Assert.Throws<VerificationException>(() => Verification.Assert(LossDefinition.Create<HuberWithoutOneOverN>(Fresh("noN"))));
        Assert.Contains("✗ gradient", e.Message);
        Assert.Contains("N = 2 rows, 1 column", e.Message);
        Assert.Contains("✓ finite", e.Message);
    }

    [Fact]
    public void The_same_seed_gives_the_same_report_and_another_seed_other_cases()
    {
        var d = ActivationDefinition.Create<SigmoidWrongBelowMinus5>(Fresh("seeded"));
        string a = Verification.Check(d, new() { Seed = 7 }).ToString();
        Assert.Equal(a, Verification.Check(d, new() { Seed = 7 }).ToString());
        Assert.Contains("(seed 7)", a);
        Assert.Throws<ArgumentException>(() => Verification.Check(d, new() { Cases = 0 }));
    }

    // ------------------------------------------------------------------ training with users' ops, against a hand reference

    /// <summary>
    /// The network 3 → 4 (g) → 2 (identity) trained by full-batch SGD on the Huber loss (δ = 1), written out by hand from the
    /// course's chain rule (S15, S16) with g and g′ in their own closed forms: Z1 = X·W1 + b1, A1 = g(Z1), Z2 = A1·W2 + b2,
    /// dZ2 = clamp(Z2 − Y, −1, 1)/N, dW2 = A1ᵀ·dZ2, db2 = Σ rows, dZ1 = (dZ2·W2ᵀ) ⊙ g′(Z1), dW1 = Xᵀ·dZ1, db1 = Σ rows.
    /// </summary>
    private static (double[,] W1, double[] b1, double[,] W2, double[] b2) HandReference(
        Func<double, double> g, Func<double, double> gPrime, double[,] x, double[,] y,
        double[,] W1, double[] b1, double[,] W2, double[] b2, double eta, int epochs)
    {
        W1 = (double[,])W1.Clone(); b1 = (double[])b1.Clone(); W2 = (double[,])W2.Clone(); b2 = (double[])b2.Clone();
        int n = x.GetLength(0), d = x.GetLength(1), h = b1.Length, m = b2.Length;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var z1 = new double[n, h]; var a1 = new double[n, h]; var dz2 = new double[n, m];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < h; j++)
                {
                    double z = b1[j];
                    for (int k = 0; k < d; k++) z += x[i, k] * W1[k, j];
                    z1[i, j] = z; a1[i, j] = g(z);
                }
                for (int j = 0; j < m; j++)
                {
                    double z = b2[j];
                    for (int k = 0; k < h; k++) z += a1[i, k] * W2[k, j];
                    double diff = z - y[i, j];
                    dz2[i, j] = (Math.Abs(diff) <= 1 ? diff : Math.Sign(diff)) / n;
                }
            }
            var dz1 = new double[n, h];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < h; k++)
                {
                    double da = 0;
                    for (int j = 0; j < m; j++) da += dz2[i, j] * W2[k, j];
                    dz1[i, k] = da * gPrime(z1[i, k]);
                }
            for (int k = 0; k < h; k++)
                for (int j = 0; j < m; j++)
                {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += a1[i, k] * dz2[i, j];
                    W2[k, j] -= eta * s;
                }
            for (int j = 0; j < m; j++) { double s = 0; for (int i = 0; i < n; i++) s += dz2[i, j]; b2[j] -= eta * s; }
            for (int k = 0; k < d; k++)
                for (int j = 0; j < h; j++)
                {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += x[i, k] * dz1[i, j];
                    W1[k, j] -= eta * s;
                }
            for (int j = 0; j < h; j++) { double s = 0; for (int i = 0; i < n; i++) s += dz1[i, j]; b1[j] -= eta * s; }
        }
        return (W1, b1, W2, b2);
    }

    private static double Sigma(double z) => 1 / (1 + Math.Exp(-z));

    public static TheoryData<string> Trained => new() { "swish", "gelu", "mish" };

    [Theory]
    [MemberData(nameof(Trained))]
    public void A_network_with_a_users_activation_and_loss_trains_on_both_paths_to_the_hand_reference(string which)
    {
        // The closed forms here are other algebra than the structs': swish′ = (1 + e^−z + z·e^−z)/(1 + e^−z)²,
        // GELU′ through sech² = 1/cosh², Mish′ = e^z·ω/δ² (Misra 2019) with ω = 4(z + 1) + 4e^2z + e^3z + e^z(4z + 6),
        // δ = 2e^z + e^2z + 2.
        const double C = 0.7978845608028654;
        (ActivationDefinition, Func<double, double>, Func<double, double>) chosen = which switch
        {
            "swish" => (ActivationDefinition.Create<MySwish>(Fresh("trainSwish")), z => z * Sigma(z),
                        z => (1 + Math.Exp(-z) + z * Math.Exp(-z)) / Math.Pow(1 + Math.Exp(-z), 2)),
            "gelu" => (ActivationDefinition.Create<MyGelu>(Fresh("trainGelu")), z => 0.5 * z * (1 + Math.Tanh(C * (z + 0.044715 * Math.Pow(z, 3)))),
                       z =>
                       {
                           double u = C * (z + 0.044715 * Math.Pow(z, 3));
                           return 0.5 * (1 + Math.Tanh(u)) + 0.5 * z / Math.Pow(Math.Cosh(u), 2) * C * (1 + 0.134145 * z * z);
                       }),
            _ => (ActivationDefinition.Create<MyMish>(Fresh("trainMish")), z => z * Math.Tanh(Math.Log(1 + Math.Exp(z))),
                  z =>
                  {
                      double e = Math.Exp(z);
                      double omega = 4 * (z + 1) + 4 * e * e + e * e * e + e * (4 * z + 6);
                      double delta = 2 * e + e * e + 2;
                      return e * omega / (delta * delta);
                  }),
        };
        var (def, g, gPrime) = chosen;
        var activation = Activation.Register(def);
        var huber = Loss.Register(LossDefinition.Create<MyHuber>(Fresh("trainHuber"), new() { Formula = "J = 1/N Σ h(ŷ − y)" }));

        var rng = new Random(5);
        double[,] Fill(int r, int c, double scale) { var a = new double[r, c]; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) a[i, j] = scale * (2 * rng.NextDouble() - 1); return a; }
        double[,] x = Fill(8, 3, 2), y = Fill(8, 2, 2), W1 = Fill(3, 4, 1), W2 = Fill(4, 2, 1);
        y[0, 0] = 4; // one target beyond δ from any early prediction: the linear piece of Huber is used too
        double[] b1 = [0.1, -0.2, 0.05, 0], b2 = [0.3, -0.1];
        var network = Network.Create(inputs: 3).Dense(W1, b1, activation).Dense(W2, b2, Activation.Identity).Build();
        var (rW1, rb1, rW2, rb2) = HandReference(g, gPrime, x, y, W1, b1, W2, b2, eta: 0.1, epochs: 25);

        foreach (bool reference in new[] { false, true })
        {
            var result = new Trainer(huber, Optimizer.Sgd(0.1)) { BatchSize = 8, Epochs = 25, Seed = 1, UseReferencePath = reference }.Fit(network, x, y);
            Assert.Equal(25, result.EpochsCompleted);
            Assert.True(result.History[^1].TrainingLoss < 0.8 * result.History[0].TrainingLoss);
            void Near(double[,] expected, double[,] actual)
            {
                for (int i = 0; i < expected.GetLength(0); i++)
                    for (int j = 0; j < expected.GetLength(1); j++)
                        Assert.True(Math.Abs(expected[i, j] - actual[i, j]) <= 1e-12, $"{which}, reference path {reference}: ({i}, {j}) {expected[i, j]:R} vs {actual[i, j]:R}");
            }
            Near(rW1, result.Network.GetWeights(0));
            Near(rW2, result.Network.GetWeights(1));
            Near(new[,] { { rb1[0], rb1[1], rb1[2], rb1[3] } }, new[,] { { result.Network.GetBiases(0)[0], result.Network.GetBiases(0)[1], result.Network.GetBiases(0)[2], result.Network.GetBiases(0)[3] } });
            Near(new[,] { { rb2[0], rb2[1] } }, new[,] { { result.Network.GetBiases(1)[0], result.Network.GetBiases(1)[1] } });
        }
    }

    [Fact]
    public void A_model_with_a_users_activation_saves_it_by_name_and_loading_needs_it_registered()
    {
        var activation = Activation.Register(ActivationDefinition.Create<MyMish>(Fresh("savedMish")));
        var network = Network.Create(inputs: 2).Dense(3, activation).Dense(1, Activation.Identity).Build(Initializer.XavierNormal(seed: 2));
        string path = Path.Combine(_dir, "mish.json");
        network.Save(path);
        string text = File.ReadAllText(path);
        Assert.Contains($"\"{activation.Name}\"", text);

        var loaded = Network.Load(path);
        Assert.Equal(activation, loaded.Layers[0].Activation);
        double[] input = [0.3, -1.2];
        Assert.Equal(network.Predict(input), loaded.Predict(input));

        // The same file naming an activation nobody registered: refused, naming it and saying what to do.
        string missing = Fresh("notRegistered");
        File.WriteAllText(path, text.Replace($"\"{activation.Name}\"", $"\"{missing}\""));
        var e = Assert.Throws<InvalidDataException>(() => Network.Load(path));
        Assert.Contains($"\"{missing}\"", e.Message);
        Assert.Contains("register it before loading", e.Message);
    }

    [Fact]
    public void Onnx_export_refuses_a_users_activation_without_an_onnx_expression_naming_it()
    {
        var activation = Activation.Register(ActivationDefinition.Create<MySwish>(Fresh("noOnnx")));
        var network = Network.Create(inputs: 2).Dense(3, activation).Dense(1, Activation.Identity).Build(Initializer.XavierNormal(seed: 2));
        var e = Assert.Throws<NotSupportedException>(() => network.ToOnnx());
        Assert.Contains($"activation {activation.Name} is your own", e.Message);
        Assert.Contains("layer 0", e.Message);
    }

    // ------------------------------------------------------------------ initialisers

    [Fact]
    public void A_users_he_and_glorot_initialisers_pass_and_build_the_built_in_networks_bit_for_bit()
    {
        var he = InitializerDefinition.Normal("myHe", (fanIn, fanOut) => Math.Sqrt(2.0 / fanIn));
        var glorot = InitializerDefinition.Uniform("myGlorotUniform", (fanIn, fanOut) => Math.Sqrt(6.0 / (fanIn + fanOut)));
        foreach (var d in new[] { he, glorot })
        {
            var report = Verification.Check(d);
            Assert.True(report.Passed, report.ToString());
            Assert.Equal(["spread", "draws"], report.Laws.Select(l => l.Law));
        }
        // The same distributions as the built-in He normal and Glorot uniform, drawn from the same seeds: the same weights.
        foreach (var (mine, builtIn) in new[] { (Initializer.Register(he, seed: 9), Initializer.HeNormal(9)), (Initializer.Register(glorot, seed: 9), Initializer.XavierUniform(9)) })
        {
            var a = Network.Create(5).Dense(7, Activation.ReLU).Dense(3, Activation.Softmax).Build(mine);
            var b = Network.Create(5).Dense(7, Activation.ReLU).Dense(3, Activation.Softmax).Build(builtIn);
            Assert.Equal(b.ToJson(), a.ToJson());
        }
        Assert.Equal("myHe(seed=9)", Initializer.Register(he, seed: 9).Name);
    }

    [Fact]
    public void An_initialiser_whose_spread_divides_by_fan_in_minus_1_is_caught_at_fan_in_1()
    {
        // A slip: √(2/(fan_in − 1)) is infinite at fan_in = 1 (a layer after a one-feature input).
        var slip = InitializerDefinition.Normal("slippedHe", (fanIn, fanOut) => Math.Sqrt(2.0 / (fanIn - 1)));
        var report = Verification.Check(slip);
        var c = Failed(report, "spread").Counterexample!;
        Assert.Equal(["fan_in = 1, fan_out = 1"], c.Inputs);
        Assert.True(double.IsPositiveInfinity(c.Analytic));
        var e = Assert.Throws<VerificationException>(() => Initializer.Register(slip, seed: 1));
        Assert.Contains("fan_in = 1", e.Message);
        // Opted out, it fails where it is used, naming itself.
        var unchecked_ = Initializer.Register(slip, seed: 1, verify: false);
        Assert.Contains("slippedHe", Assert.Throws<ArgumentException>(() => Network.Create(1).Dense(2, Activation.Tanh).Build(unchecked_)).Message);
    }
}

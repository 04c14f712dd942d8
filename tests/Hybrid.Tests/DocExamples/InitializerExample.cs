namespace Hybrid.Tests.DocExamples;

/// <summary>The examples of docs/facade-initializer.md.</summary>
public static class InitializerExample
{
    /// <summary>Initialisers as a family, seeded.</summary>
    public static (double[,] Weights, double Variance, Network A, Network B) Family()
    {
        // begin-doc: family
        Initializer he = Initializer.HeNormal(seed: 1);          // σ = √(2/fan_in)
        double[,] w = he.CreateWeights(fanIn: 500, fanOut: 500); // the same numbers on every machine
        double variance = he.Variance(500, 500);                 // 2/500 = 0.004 in closed form

        // One initialiser for the whole network, or one per layer:
        var a = Network.Create(10)
            .Dense(20, Activation.Tanh)                                          // drawn by Build's initialiser
            .Dense(20, Activation.ReLU, Initializer.HeUniform(seed: 3))          // its own
            .Dense(2, Activation.Softmax)
            .Build(Initializer.XavierNormal(seed: 3));
        var b = Network.Create(10).Dense(20, Activation.Tanh).Dense(20, Activation.ReLU).Dense(2, Activation.Softmax)
            .Build(Initializer.Default(seed: 3));   // Xavier for tanh/softmax, He for ReLU
        Initializer chosen = Initializer.ForActivation(Activation.ReLU, seed: 3);  // HeNormal(seed=3)
        // end-doc: family
        _ = chosen;
        return (w, variance, a, b);
    }
}

namespace Hybrid.Tests.DocExamples;

/// <summary>The examples of docs/facade-network.md (the text between "begin-doc" and "end-doc" is copied there verbatim; a test checks it).</summary>
public static class NetworkExample
{
    /// <summary>Build, predict, evaluate.</summary>
    public static (Network Network, double[][] Outputs, Evaluation Evaluation) BuildAndPredict()
    {
        // begin-doc: build
        var network = Network.Create(inputs: 4)
            .Dense(8, Activation.ReLU)
            .Dropout(0.2)                               // inverted dropout, off at inference
            .Dense(6, Activation.PReLU(alpha: 0.25))   // α is learned
            .Maxout(4, pieces: 2)                       // max of 2 linear pieces
            .Dense(3, Activation.Softmax)
            .Build(Initializer.Default(seed: 7));       // He for the ReLU family, Glorot otherwise

        Console.WriteLine(network);                     // Network(4 -> Dense(8, ReLU) -> ..., 166 parameters)
        double[][] x = [[0.1, 0.2, 0.3, 0.4], [1, 0, -1, 0]];
        double[][] outputs = network.Predict(x);        // 2 rows of 3 probabilities
        int[] classes = network.PredictClasses(x);      // argmax per row
        Evaluation evaluation = network.Evaluate(x, new[] { 2, 0 });
        Console.WriteLine($"{evaluation.Loss} {evaluation.Accuracy} {evaluation.ConfusionMatrix[0, 0]}");
        // end-doc: build
        _ = classes;
        return (network, outputs, evaluation);
    }

    /// <summary>A network from given weights, read back, with its loss and gradients.</summary>
    public static (double Output, LossGradient Gradient) ByHand()
    {
        // begin-doc: by-hand
        // S09: f(w, x) = σ(w0·x0 + w1·x1 + w2) with w = (2, −3, −3) at x = (−1, −2).
        // One example per row, so W is inputs×units: here 2×1.
        var neuron = Network.Create(inputs: 2)
            .Dense(weights: new double[,] { { 2 }, { -3 } }, biases: [-3], Activation.Sigmoid)
            .Build();
        double f = neuron.Predict([-1.0, -2.0])[0];                  // σ(1) ≈ 0.7311
        double[,] w = neuron.GetWeights(layer: 0);                   // a copy: { { 2 }, { -3 } }

        // The loss and the gradient of every parameter on a batch, without training:
        LossGradient g = neuron.ComputeGradients(Loss.BinaryCrossEntropy,
            x: new[] { new[] { -1.0, -2.0 } }, y: new[] { 1 });
        var dense = (DenseGradient)g.Layers[0];                      // one entry per trainable layer
        double[,] dW = dense.Weights;                                // 2×1, the shape of W
        double[] db = dense.Biases;                                  // 1 value, the shape of the biases
        // With a sigmoid output and binary cross-entropy, dZ = ŷ − y (S21), so
        // ∂J/∂W = xᵀ·(f − 1) and ∂J/∂b = f − 1.

        // The element-wise derivatives the docs cite: σ′(z) = σ(z)(1 − σ(z)), mse′ = (ŷ − y)/N.
        double[] slope = Activation.Sigmoid.Derivative([1.0]);       // σ′(1) ≈ 0.1966
        double[,] dYhat = Loss.MeanSquaredError.Derivative(new double[,] { { f } }, new double[,] { { 1 } });
        // end-doc: by-hand
        _ = (w, dW, db, slope, dYhat);
        return (f, g);
    }
}

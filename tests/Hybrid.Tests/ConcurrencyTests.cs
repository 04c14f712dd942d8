using MathNet.Numerics.LinearAlgebra;

namespace Hybrid.Tests;

/// <summary>
/// What may be shared between threads (docs/facade-network.md, "Threads"): a trained
/// <see cref="Network"/> is immutable, so one instance serves Predict, PredictClasses and Evaluate
/// from many threads at once with the serial results, bit for bit; a <see cref="Trainer"/> is
/// immutable too, and concurrent Fit calls on it are independent.
/// </summary>
public sealed class ConcurrencyTests
{
    private const int Threads = 8;

    /// <summary>Everything the read-only calls return, as bits (so NaN or −0 cannot hide a difference).</summary>
    private sealed record Results(long[] Rows, long[] Array2D, long[] MatrixValues, int[] Classes, int[] ClassesForHinge,
                                  long EvaluatedLoss, long Accuracy, int[] Confusion, long LossWithMse, long Single)
    {
        public static Results Of(Network network, double[][] x, double[,] x2, Matrix<double> xm, int[] y)
        {
            Evaluation evaluation = network.Evaluate(x2, y);
            return new(Bits(network.Predict(x).SelectMany(r => r)),
                       Bits(network.Predict(x2).Cast<double>()),
                       Bits(network.Predict(xm).ToColumnMajorArray()),
                       network.PredictClasses(x),
                       network.PredictClasses(xm, Loss.Hinge),
                       BitConverter.DoubleToInt64Bits(evaluation.Loss),
                       BitConverter.DoubleToInt64Bits(evaluation.Accuracy),
                       evaluation.ConfusionMatrix.Cast<int>().ToArray(),
                       BitConverter.DoubleToInt64Bits(network.Evaluate(x, y, Loss.MeanSquaredError).Loss),
                       BitConverter.DoubleToInt64Bits(network.Predict(x[17])[3]));
        }

        private static long[] Bits(IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

        public void AssertEqual(Results other)
        {
            Assert.Equal(Rows, other.Rows);
            Assert.Equal(Array2D, other.Array2D);
            Assert.Equal(MatrixValues, other.MatrixValues);
            Assert.Equal(Classes, other.Classes);
            Assert.Equal(ClassesForHinge, other.ClassesForHinge);
            Assert.Equal(EvaluatedLoss, other.EvaluatedLoss);
            Assert.Equal(Accuracy, other.Accuracy);
            Assert.Equal(Confusion, other.Confusion);
            Assert.Equal(LossWithMse, other.LossWithMse);
            Assert.Equal(Single, other.Single);
        }
    }

    /// <summary>Runs body(t) on <see cref="Threads"/> threads released together by a barrier; rethrows the first failure.</summary>
    private static T[] OnThreadsAtOnce<T>(Func<int, T> body)
    {
        var results = new T[Threads];
        var errors = new Exception?[Threads];
        using var barrier = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                barrier.SignalAndWait();
                results[t] = body(t);
            }
            catch (Exception e)
            {
                errors[t] = e;
            }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        foreach (var error in errors)
            if (error is not null) throw new Xunit.Sdk.XunitException($"A thread failed: {error}");
        return results;
    }

    [Fact]
    public void Predict_PredictClasses_and_Evaluate_from_8_threads_at_once_equal_the_serial_results_bit_for_bit()
    {
        var (xTrain, yTrain, _, _) = TestData.DigitsSplit();
        var untrained = Network.Create(inputs: 64)
            .Dense(128, Activation.ReLU)
            .Dropout(0.1)
            .Maxout(32, pieces: 2)
            .Dense(10, Activation.Softmax)
            .Build(Initializer.Default(seed: 3));
        var network = new Trainer(Loss.CrossEntropy, Optimizer.Adam(learningRate: 1e-3)) { Epochs = 1, BatchSize = 64, Seed = 3 }
            .Fit(untrained, xTrain, yTrain).Network;

        // 256 digits: the first layer's 256·64·128 multiply-adds (over the kernel's parallel threshold)
        // split over threads inside each call too, so the 8 callers also share the thread pool.
        var x = TestData.AllDigits.X[..256];
        var y = TestData.AllDigits.Y[..256];
        var x2 = new double[x.Length, 64];
        for (int i = 0; i < x.Length; i++)
            for (int j = 0; j < 64; j++)
                x2[i, j] = x[i][j];
        var xm = Matrix<double>.Build.DenseOfRowArrays(x);

        var serial = Results.Of(network, x, x2, xm, y);
        // The serial results are a trained classifier's, and Evaluate's accuracy counts exactly the
        // PredictClasses that hit the label.
        double hits = serial.Classes.Zip(y).Count(p => p.First == p.Second) / (double)y.Length;
        Assert.Equal(hits, BitConverter.Int64BitsToDouble(serial.Accuracy));
        Assert.True(hits > 0.5, $"accuracy after one epoch {hits} (chance: 0.1)");

        var concurrent = OnThreadsAtOnce(_ => Results.Of(network, x, x2, xm, y));
        foreach (var results in concurrent)
            serial.AssertEqual(results);
    }

    [Fact]
    public void One_trainer_fits_from_8_threads_at_once_as_it_does_alone()
    {
        var start = Network.Create(inputs: 2).Dense(4, Activation.Tanh).Dense(1, Activation.Sigmoid).Build(Initializer.XavierNormal(seed: 7));
        var trainer = new Trainer(Loss.BinaryCrossEntropy, Optimizer.Sgd(learningRate: 0.5)) { Epochs = 300, BatchSize = 4, Seed = 1 };
        var serial = trainer.Fit(start, TestData.XorInputs, TestData.XorLabels).Network.ToJson();

        var concurrent = OnThreadsAtOnce(_ => trainer.Fit(start, TestData.XorInputs, TestData.XorLabels).Network.ToJson());

        Assert.All(concurrent, json => Assert.Equal(serial, json));
        Assert.Equal(serial, trainer.Fit(start, TestData.XorInputs, TestData.XorLabels).Network.ToJson());
    }
}

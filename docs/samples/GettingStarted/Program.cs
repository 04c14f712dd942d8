using Hybrid;

// A small data set made on the spot: 400 points (x0, x1) in the square [-1, 1]², labelled 1
// inside the circle of radius 0.7 and 0 outside; 300 to train on, 100 to test on.
var random = new Random(1);
double[][] points = new double[400][];
int[] labels = new int[400];
for (int i = 0; i < points.Length; i++)
{
    points[i] = [random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1];
    labels[i] = points[i][0] * points[i][0] + points[i][1] * points[i][1] < 0.49 ? 1 : 0;
}
double[][] xTrain = points[..300], xTest = points[300..];
int[] yTrain = labels[..300], yTest = labels[300..];

// A 2-16-2 network: a tanh hidden layer, then a softmax over the two classes.
Network network = Network.Create(inputs: 2)
    .Dense(16, Activation.Tanh)
    .Dense(2, Activation.Softmax)
    .Build(Initializer.Default(seed: 7));

// Adam on minibatches of 16 examples, 200 epochs; Fit returns a new, trained network.
var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Adam(learningRate: 0.01))
    { BatchSize = 16, Epochs = 200, Seed = 7 };
TrainingResult result = trainer.Fit(network, xTrain, yTrain);
Evaluation test = result.Network.Evaluate(xTest, yTest);
Console.WriteLine($"{result.EpochsCompleted} epochs: test loss {test.Loss:F4}, test accuracy {test.Accuracy:P0}");

// Save, load and predict: the loaded network gives the same outputs, bit for bit.
string path = Path.Combine(Path.GetTempPath(), "circle.model.json");
result.Network.Save(path);
Network loaded = Network.Load(path);
double[][] probe = [[0.0, 0.0], [0.9, 0.9]];
int[] classes = loaded.PredictClasses(probe);
double[][] outputs = loaded.Predict(probe);
Console.WriteLine($"(0, 0) -> class {classes[0]}, P(inside) = {outputs[0][1]:F3}");
Console.WriteLine($"(0.9, 0.9) -> class {classes[1]}, P(inside) = {outputs[1][1]:F3}");
bool sameOutputs = loaded.Predict(xTest).Zip(result.Network.Predict(xTest))
    .All(pair => pair.First.SequenceEqual(pair.Second));

// Exit code 0 only if the results are sane.
bool sane = test.Accuracy >= 0.9 && classes is [1, 0] && sameOutputs;
Console.WriteLine(sane ? "sample: OK" : "sample: FAILED");
return sane ? 0 : 1;

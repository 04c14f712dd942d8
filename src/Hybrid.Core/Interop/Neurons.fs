namespace Hybrid.Core.Interop

open Hybrid.Core

/// The course's single neurons (S01-S03, S33) and logic gates for C#: the perceptron, Adaline and
/// the sigmoid neuron on arrays. Each member only calls the core function it names, so the checks
/// and their messages are the core's; fits and gate tables come back as the core's own records
/// (PerceptronFit, AdalineFit, SigmoidFit, GateData), whose fields are arrays and numbers. Checked by: LessonsTests (tests/Hybrid.Tests).
[<AbstractClass; Sealed>]
type Neurons =
    /// Neuron.random: W_i and B uniform in [−scale, scale] from the core generator Rng(seed). Course: S01.
    static member Random(seed: int, inputCount: int, scale: float) : Neuron = Neuron.random seed inputCount scale
    /// Perceptron.predict: ŷ = step(W·x + B) ∈ {0, 1}. Course: S01.
    static member PerceptronPredict(n: Neuron, x: float[]) : float = Perceptron.predict n x
    /// Perceptron.errors: how many rows the perceptron misclassifies. Course: S01.
    static member PerceptronErrors(n: Neuron, X: float[][], Y: float[]) : int = Perceptron.errors n X Y
    /// Perceptron.fit: the perceptron rule W ← W + η(y − ŷ)x, at most maxEpochs passes. Course: S01.
    static member TrainPerceptron(eta: float, maxEpochs: int, init: Neuron, X: float[][], Y: float[]) : PerceptronFit =
        Perceptron.fit eta maxEpochs init X Y
    /// Adaline.predict: ŷ = W·x + B. Course: S02.
    static member AdalinePredict(n: Neuron, x: float[]) : float = Adaline.predict n x
    /// Adaline.cost: J = ½·Σ_i (y_i − ŷ_i)². Course: S02.
    static member AdalineCost(n: Neuron, X: float[][], Y: float[]) : float = Adaline.cost n X Y
    /// Adaline.fit: the Widrow-Hoff rule, one sample at a time. Course: S02.
    static member TrainAdaline(eta: float, epochs: int, init: Neuron, X: float[][], Y: float[]) : AdalineFit =
        Adaline.fit eta epochs init X Y
    /// Adaline.fitBatch: W ← W − η·∂J/∂W over the whole set each epoch. Course: S02.
    static member TrainAdalineBatch(eta: float, epochs: int, init: Neuron, X: float[][], Y: float[]) : AdalineFit =
        Adaline.fitBatch eta epochs init X Y
    /// SigmoidNeuron.predict: ŷ = σ(W·x + B). Course: S03.
    static member SigmoidPredict(n: Neuron, x: float[]) : float = SigmoidNeuron.predict n x
    /// SigmoidNeuron.loss: the mean binary cross-entropy over the rows. Course: S03.
    static member SigmoidLoss(n: Neuron, X: float[][], Y: float[]) : float = SigmoidNeuron.loss n X Y
    /// SigmoidNeuron.crossEntropy: −[t·ln p + (1 − t)·ln(1 − p)], p clipped to [ε, 1 − ε]. Course: S03.
    static member CrossEntropy(p: float, t: float) : float = SigmoidNeuron.crossEntropy p t
    /// SigmoidNeuron.fit: gradient descent on the cross-entropy. Course: S03.
    static member TrainSigmoid(eta: float, epochs: int, init: Neuron, X: float[][], Y: float[]) : SigmoidFit =
        SigmoidNeuron.fit eta epochs init X Y
    /// LogicGates.andGate: the AND truth table. Course: S01.
    static member And() : GateData = LogicGates.andGate ()
    /// LogicGates.orGate: the OR truth table. Course: S01.
    static member Or() : GateData = LogicGates.orGate ()
    /// LogicGates.nandGate: the NAND truth table. Course: S01.
    static member Nand() : GateData = LogicGates.nandGate ()
    /// LogicGates.xorGate: the XOR truth table (not linearly separable). Course: S01.
    static member Xor() : GateData = LogicGates.xorGate ()

namespace Hybrid.Core.Interop

open Hybrid.Core

/// A perceptron run (Perceptron.fit's PerceptronFit, read by members). Course: S01.
[<Sealed>]
type PerceptronRun internal (fit: PerceptronFit) =
    /// The trained neuron.
    member _.Neuron : Neuron = fit.Neuron
    /// The samples that triggered an update in each epoch.
    member _.MistakesPerEpoch : int[] = fit.MistakesPerEpoch
    /// Whether the last epoch made no mistake.
    member _.Converged : bool = fit.Converged
    /// PerceptronFit.TotalMistakes: Σ_k MistakesPerEpoch[k] (Novikoff's k).
    member _.TotalMistakes : int = fit.TotalMistakes

/// An Adaline run (Adaline.fit / fitBatch's AdalineFit, read by members). Course: S02.
[<Sealed>]
type AdalineRun internal (fit: AdalineFit) =
    /// The trained neuron.
    member _.Neuron : Neuron = fit.Neuron
    /// J = ½·Σ_i (y_i − ŷ_i)² after each epoch.
    member _.CostPerEpoch : float[] = fit.CostPerEpoch

/// A sigmoid-neuron run (SigmoidNeuron.fit's SigmoidFit, read by members). Course: S03.
[<Sealed>]
type SigmoidRun internal (fit: SigmoidFit) =
    /// The trained neuron.
    member _.Neuron : Neuron = fit.Neuron
    /// The mean binary cross-entropy after each epoch.
    member _.LossPerEpoch : float[] = fit.LossPerEpoch

/// A logic gate's truth table (LogicGates' GateData, read by members). Course: S01.
[<Sealed>]
type GateTable internal (data: GateData) =
    /// The gate's name ("AND", "OR", "NAND", "XOR").
    member _.Name : string = data.Name
    /// The four corners of the unit square, one per row.
    member _.X : float[][] = data.X
    /// The targets, 0 or 1.
    member _.Y : float[] = data.Y

/// The course's single neurons (S01-S03, S33) and logic gates for C#: the perceptron, Adaline and
/// the sigmoid neuron on arrays. Each member only calls the core function it names, so the checks
/// and their messages are the core's. Checked by: LessonsTests (tests/Hybrid.Tests).
[<AbstractClass; Sealed>]
type Neurons =
    /// Neuron.random: W_i and B uniform in [−scale, scale] from the core generator Rng(seed). Course: S01.
    static member Random(seed: int, inputCount: int, scale: float) : Neuron = Neuron.random seed inputCount scale
    /// Perceptron.predict: ŷ = step(W·x + B) ∈ {0, 1}. Course: S01.
    static member PerceptronPredict(n: Neuron, x: float[]) : float = Perceptron.predict n x
    /// Perceptron.errors: how many rows the perceptron misclassifies. Course: S01.
    static member PerceptronErrors(n: Neuron, X: float[][], Y: float[]) : int = Perceptron.errors n X Y
    /// Perceptron.fit: the perceptron rule W ← W + η(y − ŷ)x, at most maxEpochs passes. Course: S01.
    static member TrainPerceptron(eta: float, maxEpochs: int, init: Neuron, X: float[][], Y: float[]) : PerceptronRun =
        Perceptron.fit eta maxEpochs init X Y |> PerceptronRun
    /// Adaline.predict: ŷ = W·x + B. Course: S02.
    static member AdalinePredict(n: Neuron, x: float[]) : float = Adaline.predict n x
    /// Adaline.cost: J = ½·Σ_i (y_i − ŷ_i)². Course: S02.
    static member AdalineCost(n: Neuron, X: float[][], Y: float[]) : float = Adaline.cost n X Y
    /// Adaline.fit: the Widrow-Hoff rule, one sample at a time. Course: S02.
    static member TrainAdaline(eta: float, epochs: int, init: Neuron, X: float[][], Y: float[]) : AdalineRun =
        Adaline.fit eta epochs init X Y |> AdalineRun
    /// Adaline.fitBatch: W ← W − η·∂J/∂W over the whole set each epoch. Course: S02.
    static member TrainAdalineBatch(eta: float, epochs: int, init: Neuron, X: float[][], Y: float[]) : AdalineRun =
        Adaline.fitBatch eta epochs init X Y |> AdalineRun
    /// SigmoidNeuron.predict: ŷ = σ(W·x + B). Course: S03.
    static member SigmoidPredict(n: Neuron, x: float[]) : float = SigmoidNeuron.predict n x
    /// SigmoidNeuron.loss: the mean binary cross-entropy over the rows. Course: S03.
    static member SigmoidLoss(n: Neuron, X: float[][], Y: float[]) : float = SigmoidNeuron.loss n X Y
    /// SigmoidNeuron.crossEntropy: −[t·ln p + (1 − t)·ln(1 − p)], p clipped to [ε, 1 − ε]. Course: S03.
    static member CrossEntropy(p: float, t: float) : float = SigmoidNeuron.crossEntropy p t
    /// SigmoidNeuron.fit: gradient descent on the cross-entropy. Course: S03.
    static member TrainSigmoid(eta: float, epochs: int, init: Neuron, X: float[][], Y: float[]) : SigmoidRun =
        SigmoidNeuron.fit eta epochs init X Y |> SigmoidRun
    /// LogicGates.andGate: the AND truth table. Course: S01.
    static member And() : GateTable = LogicGates.andGate () |> GateTable
    /// LogicGates.orGate: the OR truth table. Course: S01.
    static member Or() : GateTable = LogicGates.orGate () |> GateTable
    /// LogicGates.nandGate: the NAND truth table. Course: S01.
    static member Nand() : GateTable = LogicGates.nandGate () |> GateTable
    /// LogicGates.xorGate: the XOR truth table (not linearly separable). Course: S01.
    static member Xor() : GateTable = LogicGates.xorGate () |> GateTable

namespace Hybrid.Core.Interop

open System
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core

/// The core's loss functions for C#: J and ∂J/∂ŷ by loss, on matrices (one example per row).
/// Course: S17-S23. Checked by: DerivativeTests (tests/Hybrid.Tests).
[<AbstractClass; Sealed>]
type Losses =
    /// J(ŷ, y) (Loss.value).
    static member Value(loss: Loss, Yhat: Matrix<float>, Y: Matrix<float>) : float = Loss.value loss Yhat Y
    /// ∂J/∂ŷ (Loss.gradient: mse′ = (ŷ − y)/N, ...).
    static member Gradient(loss: Loss, Yhat: Matrix<float>, Y: Matrix<float>) : Matrix<float> = Loss.gradient loss Yhat Y
    /// A readable name.
    static member Name(loss: Loss) : string = Loss.name loss
    /// Every loss of the registry (Loss.all) with its default parameter, in the registry's order.
    static member All : Loss[] = Loss.all |> List.map Loss.withDefaults |> Array.ofList
    /// The loss of registry case `caseName` ("MeanSquaredError"), its parameter (ignored by the losses
    /// without one) validated: ArgumentException naming `paramName` when out of range, or naming
    /// "caseName" for an unknown case.
    static member OfCaseName(caseName: string, parameter: float, paramName: string) : Loss =
        match Loss.all |> List.tryFind (fun e -> e.Case = caseName) with
        | Some e ->
            let loss = e.Make parameter
            Loss.validate paramName loss
            loss
        | None -> raise (ArgumentException(sprintf "Unknown loss '%s'." caseName, "caseName"))
    /// The registry case name ("MeanSquaredError").
    static member CaseName(loss: Loss) : string = Loss.caseName loss
    /// The CLI's name ("mse").
    static member CliName(loss: Loss) : string = (Loss.entry loss).Cli
    /// The display name ("Mean squared error").
    static member Display(loss: Loss) : string = (Loss.entry loss).Display
    /// J and ∂J/∂Ŷ in one line.
    static member Formula(loss: Loss) : string = (Loss.entry loss).Formula
    /// The course items that teach it ("S20").
    static member Course(loss: Loss) : string = (Loss.entry loss).Course
    /// The hyper-parameter's value, or null for a loss without one.
    static member Parameter(loss: Loss) : Nullable<float> = Loss.parameter loss |> Option.toNullable
    /// The hyper-parameter's name ("delta"), or null.
    static member ParameterName(loss: Loss) : string = (Loss.entry loss).Parameter |> Option.map (fun p -> p.Name) |> Option.toObj
    /// Loss.takesSigns: whether the loss takes targets −1 or 1 (hinge, logistic) rather than 0 or 1.
    static member TakesSigns(loss: Loss) : bool = Loss.takesSigns loss

/// The course's search methods (S09-S10) with .NET delegates. Checked by: LessonsTests.
[<AbstractClass; Sealed>]
type Searches =
    /// RandomSearch.search: `budget` random points, scale·N(0, 1) each coordinate.
    static member Random(seed: int, budget: int, scale: float, dimension: int, loss: Func<float[], float>) : SearchResult =
        RandomSearch.search seed budget scale dimension loss.Invoke
    /// RandomSearch.localSearch: random steps from init, kept when they lower the loss.
    static member Local(seed: int, budget: int, stepSize: float, init: float[], loss: Func<float[], float>) : SearchResult =
        RandomSearch.localSearch seed budget stepSize init loss.Invoke
    /// RandomSearch.gradientDescent: θ ← θ − η·∇L(θ), `budget` steps.
    static member GradientDescent(budget: int, learningRate: float, init: float[], loss: Func<float[], float>, gradient: Func<float[], float[]>) : SearchResult =
        RandomSearch.gradientDescent budget learningRate init loss.Invoke gradient.Invoke

/// One parameter's gradient check, by name (NetworkCheck.check's pair as a class).
[<Sealed>]
type NamedGradientCheck internal (name: string, check: GradientCheck) =
    /// The parameter's name ("layer 0 W").
    member _.Name = name
    /// max over entries of |a − n| / max(|a|, |n|, tiny) (GradientCheck.MaxRelativeError).
    member _.MaxRelativeError : float = check.MaxRelativeError
    /// Row of the worst entry.
    member _.Row : int = check.Row
    /// Column of the worst entry.
    member _.Column : int = check.Column
    /// The analytic value there.
    member _.Analytic : float = check.Analytic
    /// The central-difference value there.
    member _.Numerical : float = check.Numerical
    /// Entries left out because their ±h step straddles a kink (GradientCheck.Excluded).
    member _.Excluded : int = check.Excluded

/// The course's checks (S06, S19) with arrays. Checked by: GradientCheckerTests, LessonsTests.
[<AbstractClass; Sealed>]
type Checks =
    /// NetworkCheck.check: analytic against central-difference gradients, per parameter.
    static member Gradients(h: float, tiny: float, l2: float, loss: Loss, net: Network, X: Matrix<float>, Y: Matrix<float>) : NamedGradientCheck[] =
        NetworkCheck.check h tiny l2 loss net X Y |> List.map NamedGradientCheck |> Array.ofList
    /// ActivationStatistics.run: per-layer mean, spread and histogram of a deep random network.
    static member ActivationStatistics(g: Activation, init: Initializer, seed: int, seeds: int, n: int, width: int, depth: int, bins: int) : LayerActivationStatistics[] =
        ActivationStatistics.run g init seed seeds n width depth bins |> Array.ofList

/// Labelled points: X n×d and one class label per row (the core's `Matrix<float> * int[]`).
[<Sealed>]
type LabelledPoints internal (x: Matrix<float>, labels: int[]) =
    /// The points, one per row.
    member _.X = x
    /// The class of each row.
    member _.Labels = labels

/// The synthetic data sets (Synthetic) for C#. Course: S01, S24, S32. Checked by: DataSetTests.
[<AbstractClass; Sealed>]
type DataSources =
    /// Synthetic.logicGate: the four rows of a two-input gate ("and", "or", "nand", "xor").
    static member LogicGate(gate: string) : LabelledPoints = Synthetic.logicGate gate |> LabelledPoints
    /// Synthetic.spiral.
    static member Spiral(n: int, noise: float, seed: int, classes: int) : LabelledPoints = Synthetic.spiral n noise seed classes |> LabelledPoints
    /// Synthetic.moons.
    static member Moons(n: int, noise: float, seed: int) : LabelledPoints = Synthetic.moons n noise seed |> LabelledPoints
    /// Synthetic.circles.
    static member Circles(n: int, noise: float, seed: int, factor: float) : LabelledPoints = Synthetic.circles n noise seed factor |> LabelledPoints
    /// Synthetic.blobs.
    static member Blobs(n: int, noise: float, seed: int, classes: int) : LabelledPoints = Synthetic.blobs n noise seed classes |> LabelledPoints

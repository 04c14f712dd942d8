namespace Hybrid.Core.Interop

open System
open Hybrid.Core
open MathNet.Numerics.LinearAlgebra

/// One law's outcome for C# (the core's LawResult): the counterexample's fields flattened, NaN and
/// empty when the law held. Course: S26.
[<Sealed; AllowNullLiteral>]
type LawOutcome internal (law: LawResult) =
    let example = law.Counterexample
    /// Short name ("derivative").
    member _.Law : string = law.Law
    /// What the law states, with its tolerance.
    member _.Statement : string = law.Statement
    /// Whether every case held.
    member _.Passed : bool = law.Passed
    /// Cases run.
    member _.Cases : int = law.Cases
    /// Shrinking steps taken.
    member _.Shrinks : int = law.Shrinks
    /// Whether a counterexample is known (a failed law).
    member _.HasCounterexample : bool = example.IsSome
    /// The shrunk inputs, one "name = value" per entry.
    member _.Inputs : string[] = match example with Some c -> Array.ofList c.Inputs | None -> [||]
    /// The op's value there, else NaN.
    member _.Analytic : float = match example with Some c -> c.Analytic | None -> nan
    /// The independent value, else NaN.
    member _.Numerical : float = match example with Some c -> c.Numerical | None -> nan
    /// Their relative error, else NaN.
    member _.Error : float = match example with Some c -> c.Error | None -> nan
    /// What went wrong, else "".
    member _.Message : string = match example with Some c -> c.Message | None -> ""

/// A verification report for C# (the core's VerificationReport). Course: S26.
[<Sealed; AllowNullLiteral>]
type VerificationOutcome internal (report: VerificationReport) =
    let laws = report.Laws |> List.map LawOutcome |> Array.ofList
    /// "activation mySwish".
    member _.Subject : string = report.Subject
    /// The seed of the generated cases.
    member _.Seed : uint64 = report.Seed
    /// Whether every law held.
    member _.Passed : bool = report.Passed
    /// Each law's outcome.
    member _.Laws : LawOutcome[] = Array.copy laws
    /// The report as text of at most maxLength characters (Verification.describe).
    member _.Describe(maxLength: int) : string = Verification.describe maxLength report

/// Users' own activations and losses, and the laws run on them, for C# (docs/extending.md). Course:
/// S04, S18-S23, S26.
[<AbstractClass; Sealed>]
type Extending =
    static member private Spec(name, formula: string, kinks: float[], domainMin, domainMax, lawRange, saturatesBelow, saturatesAbove, onnx: string, kernels) : CustomActivationSpec =
        { Name = name; Formula = (if isNull formula then "" else formula); Kinks = (if isNull kinks then [] else List.ofArray kinks)
          Domain = (domainMin, domainMax); LawRange = lawRange; SaturatesBelow = saturatesBelow; SaturatesAbove = saturatesAbove
          Onnx = (if isNull onnx then None else Some(OnnxExpression.parse onnx)); Kernels = kernels }

    /// A user's activation from a struct 'F (Activation.define; not registered). onnx: its ONNX
    /// expression (OnnxExpression.parse), or null for none. ArgumentException naming "name" for a bad
    /// name, naming "options" for a bad domain, law range, kink or ONNX expression.
    static member DefineActivation<'F when 'F: struct and 'F :> IScalarActivation>
        (name: string, formula: string, kinks: float[], domainMin: float, domainMax: float, lawRange: float, saturatesBelow: bool, saturatesAbove: bool,
         onnx: string) : Activation =
        Activation.define (Extending.Spec(name, formula, kinks, domainMin, domainMax, lawRange, saturatesBelow, saturatesAbove, onnx, UserFunctions.activationKernels<'F> ()))

    /// A user's activation from g and g′(z, a) as delegates (a call per entry); onnx as above.
    static member DefineActivation
        (name: string, value: Func<float, float>, derivative: Func<float, float, float>, formula: string, kinks: float[], domainMin: float, domainMax: float,
         lawRange: float, saturatesBelow: bool, saturatesAbove: bool, onnx: string) : Activation =
        Activation.define (Extending.Spec(name, formula, kinks, domainMin, domainMax, lawRange, saturatesBelow, saturatesAbove, onnx, UserFunctions.activationKernelsOf value derivative))

    /// Activation.register: enters a user's activation in the registry (ArgumentException naming
    /// "g" for a built-in or a name taken by another definition).
    static member Register(g: Activation) : unit = Activation.register g

    /// Whether g is a user's activation.
    static member IsUserDefined(g: Activation) : bool = match g with UserActivation _ -> true | _ -> false

    /// Whether g may train and be saved (built in, or registered).
    static member IsRegistered(g: Activation) : bool = Activation.isRegistered g

    /// The target kind named `targets` ("Real", "Probability", "Sign", "OneHot"): a case of the core's
    /// TargetKind, read from the union's own metadata (no table of its cases here).
    static member private TargetKindOf(targets: string) : TargetKind =
        let cases = Reflection.FSharpType.GetUnionCases typeof<TargetKind>
        match cases |> Array.tryFind (fun c -> c.Name = targets) with
        | Some c -> Reflection.FSharpValue.MakeUnion(c, [||]) :?> TargetKind
        | None -> raise (ArgumentException(sprintf "targets must be one of %s, not %s." (String.Join(", ", cases |> Array.map (fun c -> c.Name))) targets, "targets"))

    static member private LossSpec(name, formula: string, targets: string, probabilities: bool, kernel) : CustomLossSpec =
        { Name = name; Formula = (if isNull formula then "" else formula); Targets = Extending.TargetKindOf targets
          Predictions = (if probabilities then PredictionKind.Probability else PredictionKind.Real); Kernel = kernel }

    /// A user's loss from a struct 'F (Loss.define). targets: a TargetKind case's name ("Real",
    /// "Probability", "Sign", "OneHot"); probabilities: whether predictions are probabilities in (0, 1).
    static member DefineLoss<'F when 'F: struct and 'F :> IBatchLoss>(name: string, formula: string, targets: string, probabilities: bool) : Loss =
        Loss.define (Extending.LossSpec(name, formula, targets, probabilities, UserFunctions.lossKernel<'F> ()))

    /// A user's loss from J and ∂J/∂Ŷ as delegates over arrays (a copy of the batch per call).
    static member DefineLoss(name: string, value: Func<float[], float[], int, int, float>, gradient: Func<float[], float[], int, int, float[]>,
                             formula: string, targets: string, probabilities: bool) : Loss =
        Loss.define (Extending.LossSpec(name, formula, targets, probabilities, UserFunctions.lossKernelOf value gradient))

    /// Whether the loss is a user's.
    static member IsUserDefined(loss: Loss) : bool = match loss with UserLoss _ -> true | _ -> false

    /// The laws of an element-wise activation on `cases` cases from `seed` (Verification.activation).
    static member Verify(g: Activation, cases: int, seed: uint64) : VerificationOutcome =
        VerificationOutcome(Verification.activation { Cases = cases; Seed = seed } g)

    /// The laws of a loss on `cases` cases from `seed` (Verification.loss).
    static member Verify(loss: Loss, cases: int, seed: uint64) : VerificationOutcome =
        VerificationOutcome(Verification.loss { Cases = cases; Seed = seed } loss)

    /// Registration's case count (Verification.fast) and the default seed.
    static member FastCases : int = Verification.fast.Cases
    /// Verification.Check's case count (Verification.defaults).
    static member DefaultCases : int = Verification.defaults.Cases
    /// The default seed.
    static member DefaultSeed : uint64 = Verification.defaults.Seed

/// A user's layer kind for C# (the core's UserLayerKind, opaque): made by Layers.Define, then
/// registered, verified and instantiated through Extending. Course: S14-S17.
[<Sealed; AllowNullLiteral>]
type UserLayerDefinition internal (kind: UserLayerKind) =
    member internal _.Core = kind
    /// The model file's "type".
    member _.Name : string = kind.Kind
    /// The parameters' names, in order.
    member _.ParameterNames : string[] = Array.ofList kind.Names

/// Users' own layers for C# (docs/extending.md). Course: S14-S17, S26.
[<AbstractClass; Sealed>]
type ExtendingLayers =
    /// UserLayers.kind: a user's layer kind (ArgumentException naming "name" or "parameters").
    static member Define(name: string, math: ILayerMath, parameterNames: string[], weights: string[]) : UserLayerDefinition =
        if isNull parameterNames then nullArg "parameterNames"
        UserLayerDefinition(UserLayers.kind name math (List.ofArray parameterNames) (if isNull weights then [] else List.ofArray weights))

    /// UserLayers.register: enters the kind in the layer registry, so model files name it.
    static member Register(definition: UserLayerDefinition) : unit = UserLayers.register definition.Core

    /// UserLayers.create: the layer after an input of `inputWidth` columns with these parameters.
    static member Create(definition: UserLayerDefinition, inputWidth: int, parameters: Matrix<float>[]) : LayerParts =
        if isNull parameters then nullArg "parameters"
        LayerParts(UserLayers.create definition.Core inputWidth (List.ofArray parameters))

    /// The laws of the layer made from the definition with parameters of these shapes
    /// (Verification.layer).
    static member Verify(definition: UserLayerDefinition, inputWidth: int, parameters: Matrix<float>[], cases: int, seed: uint64) : VerificationOutcome =
        if isNull parameters then nullArg "parameters"
        let layer = UserLayers.create definition.Core inputWidth (List.ofArray parameters)
        VerificationOutcome(Verification.layer { Cases = cases; Seed = seed } inputWidth layer)

    /// The laws of a layer of a network (built in or a user's), after an input of `inputWidth` columns.
    static member Verify(layer: LayerParts, inputWidth: int, cases: int, seed: uint64) : VerificationOutcome =
        VerificationOutcome(Verification.layer { Cases = cases; Seed = seed } inputWidth layer.Core)

/// Users' own initialisers for C# (docs/extending.md). Course: S31.
[<AbstractClass; Sealed>]
type ExtendingInitializers =
    /// A user's initialiser: N(0, s²) or, when `uniform`, U(−s, s), with s = spread(fan_in, fan_out).
    /// ArgumentException naming "name" for a name that is empty or longer than 64 characters.
    static member Define(name: string, spread: Func<int, int, float>, uniform: bool) : Initializer =
        if String.IsNullOrWhiteSpace name then raise (ArgumentException("an initialiser's name must not be empty.", "name"))
        if name.Length > 64 then raise (ArgumentException(sprintf "an initialiser's name has at most 64 characters, but this one has %d." name.Length, "name"))
        if isNull spread then nullArg "spread"
        UserInit(CustomInitializer(name, uniform, spread))

    /// The laws of an initialiser on `cases` cases from `seed` (Verification.initializer).
    static member Verify(init: Initializer, cases: int, seed: uint64) : VerificationOutcome =
        VerificationOutcome(Verification.initializer { Cases = cases; Seed = seed } init)

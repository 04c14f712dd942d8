namespace Hybrid.Core.Interop

open System
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core

/// An attribute of an op in an OnnxNodeSpec: an integer with its value (Softmax's axis = −1), or the
/// activation's hyper-parameter as a float attribute with ONNX's default when absent (LeakyRelu's alpha).
[<Sealed; AllowNullLiteral>]
type OnnxAttributeSpec internal (attribute: OnnxAttribute) =
    /// The attribute's name ("axis", "alpha").
    member _.Name : string =
        match attribute with
        | OnnxAttribute.Int(name, _) | OnnxAttribute.Parameter(name, _) -> name

    /// Whether the attribute holds the activation's hyper-parameter (a FLOAT attribute); otherwise it is an INT.
    member _.IsParameter : bool =
        match attribute with
        | OnnxAttribute.Parameter _ -> true
        | OnnxAttribute.Int _ -> false

    /// The INT attribute's value (0 for a parameter attribute).
    member _.IntValue : int64 =
        match attribute with
        | OnnxAttribute.Int(_, v) -> v
        | OnnxAttribute.Parameter _ -> 0L

    /// ONNX's default of a parameter attribute, read when the attribute is absent (0 for an INT).
    member _.OnnxDefault : float =
        match attribute with
        | OnnxAttribute.Parameter(_, d) -> d
        | OnnxAttribute.Int _ -> 0.0

    /// "axis=-1" or "alpha=parameter".
    override this.ToString() =
        if this.IsParameter then sprintf "%s=parameter" this.Name else sprintf "%s=%d" this.Name this.IntValue

/// One node of an activation's ONNX expression (the registry's OnnxExpr) as plain data for C#: its kind,
/// its op (or library name), its constant, its inputs and attributes. Text is a canonical spelling,
/// equal for structurally equal trees (so a builder can share them). Course: S04.
[<Sealed; AllowNullLiteral>]
type OnnxNodeSpec internal (expr: OnnxExpr) =
    static let number (x: float) = x.ToString("R", Globalization.CultureInfo.InvariantCulture)
    let inputs =
        match expr with
        | OnnxExpr.Op(_, xs, _) -> xs |> List.map OnnxNodeSpec |> Array.ofList
        | _ -> [||]
    let attributes =
        match expr with
        | OnnxExpr.Op(_, _, xs) -> xs |> List.map OnnxAttributeSpec |> Array.ofList
        | _ -> [||]
    let text =
        match expr with
        | OnnxExpr.Input -> "Z"
        | OnnxExpr.Parameter -> "parameter"
        | OnnxExpr.Constant x -> number x
        | OnnxExpr.Library name -> sprintf "library %s" name
        | OnnxExpr.Op(op, _, _) ->
            let args = Array.append (inputs |> Array.map (fun i -> i.Text)) (attributes |> Array.map string)
            sprintf "%s(%s)" op (String.Join(", ", args))

    /// What the node is: the name of the core's OnnxExpr case ("Input", "Parameter", "Constant",
    /// "Op", "Library"), which Hybrid.Onnx matches as nameof(OnnxExpr.Op).
    member _.Kind : string = CaseName.ofValue expr

    /// The standard op's type ("Sigmoid") or the library body's name ("Arctan"); null otherwise.
    member _.Op : string =
        match expr with
        | OnnxExpr.Op(op, _, _) -> op
        | OnnxExpr.Library name -> name
        | _ -> null

    /// The constant's value (0 for other kinds).
    member _.Value : float =
        match expr with
        | OnnxExpr.Constant x -> x
        | _ -> 0.0

    /// The op's inputs, in order (empty for other kinds).
    member _.Inputs : OnnxNodeSpec[] = Array.copy inputs

    /// The op's attributes, in order (empty for other kinds).
    member _.Attributes : OnnxAttributeSpec[] = Array.copy attributes

    /// The canonical spelling, "Mul(Z, Sigmoid(Z))": equal exactly when the trees are equal.
    member _.Text : string = text

    /// The canonical spelling (Text).
    override _.ToString() = text

/// An activation's ONNX form for one element type as plain data for C# (the registry's OnnxForm).
[<Sealed; AllowNullLiteral>]
type OnnxFormSpec internal (form: OnnxForm) =
    let body =
        match form with
        | OnnxForm.NoNode | OnnxForm.Unavailable -> null
        | OnnxForm.Standard(op, readsParameter, attributes) ->
            OnnxNodeSpec(OnnxExpr.Op(op, OnnxExpr.Input :: (if readsParameter then [ OnnxExpr.Parameter ] else []), attributes))
        | OnnxForm.Function e -> OnnxNodeSpec e

    /// No node, a standard node, a function, or none known (a user's activation without an ONNX
    /// expression): the name of the core's OnnxForm case ("NoNode", "Standard", "Function",
    /// "Unavailable"), which Hybrid.Onnx matches as nameof(OnnxForm.Function).
    member _.Kind : string = CaseName.ofValue form

    /// The node (Standard) or the function's body (Function); null for NoNode and Unavailable.
    member _.Body : OnnxNodeSpec = body

    /// Whether a standard node reads the hyper-parameter as a tensor [1] after Z (PRelu's slope).
    member _.ReadsParameter : bool =
        match form with
        | OnnxForm.Standard(_, readsParameter, _) -> readsParameter
        | _ -> false

    /// "Standard Sigmoid(Z)", "Function Mul(Z, Sigmoid(Z))" or "NoNode".
    override this.ToString() =
        match body with
        | null -> this.Kind
        | b -> sprintf "%s %s" this.Kind b.Text

/// One entry of the activation registry (`Activation.all`) as plain data for C#: its names in every
/// table (the core's case, the model file's, the command line's and the playground's), its explain
/// panel's title and formula, its hyper-parameter's name and default, and a maker. Course: S04.
[<Sealed; AllowNullLiteral>]
type ActivationCase internal (entry: ActivationEntry) =
    /// The core's case name and the façade's property: "LeakyReLU".
    member _.CaseName : string = entry.Case

    /// The model file's name: "leakyRelu" (docs/model-format.md).
    member _.FileName : string = entry.File

    /// The command line's and the playground's name: "leaky-relu".
    member _.CliName : string = entry.Cli

    /// The explain panel's title: "Leaky ReLU".
    member _.Display : string = entry.Display

    /// g and g′ in one line (the explain panel, docs/activations.md).
    member _.Formula : string = entry.Formula

    /// The course items that teach it: "S04".
    member _.Course : string = entry.Course

    /// The hyper-parameter's name ("slope" for leaky ReLU, "alpha" for PReLU and ELU), or null.
    member _.ParameterName : string =
        match entry.Parameter with
        | Some p -> p.Name
        | None -> null

    /// The hyper-parameter's default in the façade and the CLI (0.01, 0.25, 1), or null.
    member _.DefaultParameter : Nullable<float> =
        match entry.Parameter with
        | Some p -> Nullable p.Default
        | None -> Nullable()

    /// Its ONNX form in float32 (Hybrid.Onnx's exporter and importer read only this and OnnxDouble).
    member val OnnxSingle : OnnxFormSpec = OnnxFormSpec entry.OnnxSingle

    /// Its ONNX form in float64.
    member val OnnxDouble : OnnxFormSpec = OnnxFormSpec entry.OnnxDouble

    /// Whether it acts entry by entry (false for softmax and log-softmax, which act per row).
    member _.IsElementwise : bool = entry.Elementwise

    /// The activation with hyper-parameter `parameter` (ignored without one), validated:
    /// ArgumentException naming `paramName` when the parameter is out of range.
    member _.Create(parameter: float, paramName: string) : Activation =
        let g = entry.Make parameter
        Activation.validate paramName g
        g

    /// The activation with its default hyper-parameter (if it has one).
    member this.CreateDefault() : Activation =
        this.Create((match entry.Parameter with Some p -> p.Default | None -> 0.0), "activation")

/// The registry's entries as ActivationCase, made once.
module internal ActivationCases =
    let cases : ActivationCase[] = Activation.all |> List.map ActivationCase |> Array.ofList

    let find (key: ActivationCase -> string) (name: string) : ActivationCase =
        cases |> Array.tryFind (fun c -> String.Equals(key c, name, StringComparison.Ordinal)) |> Option.toObj

/// The core's activations for C#: made and read by name, no union case in the caller. Every table
/// here is read from the registry `Activation.all`, so a new activation needs no line in this file.
/// Course: S04. Checked by: InteropSurfaceTests, ActivationRegistryTests (tests/Hybrid.Tests).
[<AbstractClass; Sealed>]
type Activations =
    /// Every activation, in the registry's order (the order the façade, the CLI and the docs list them).
    static member All : ActivationCase[] = Array.copy ActivationCases.cases

    /// Every activation a model may name: the built-ins (All), then the users' activations registered
    /// in this process (Activation.registeredEntries), in the order they were registered.
    static member Registered : ActivationCase[] = Activation.registeredEntries () |> List.map ActivationCase |> Array.ofList

    /// For a user's activation with an ONNX expression, a sentence naming the first of a few points where
    /// the expression, evaluated without ONNX, differs from g (OnnxExpression.mismatch); null when they
    /// agree, when the expression holds an op the evaluator does not know, or for any other activation.
    static member OnnxMismatch(g: Activation) : string = OnnxExpression.mismatch g |> Option.toObj

    /// The case names Create accepts, in the registry's order.
    static member CaseNames : string[] = ActivationCases.cases |> Array.map (fun c -> c.CaseName)

    /// The model file's names of every activation, in the registry's order.
    static member FileNames : string[] = ActivationCases.cases |> Array.map (fun c -> c.FileName)

    /// The activation whose case name is `caseName` ("LeakyReLU"), or null.
    static member OfCaseName(caseName: string) : ActivationCase = ActivationCases.find (fun c -> c.CaseName) caseName

    /// The activation whose model-file name is `fileName` ("leakyRelu"; exact spelling), built in or
    /// a user's registered one, or null.
    static member OfFileName(fileName: string) : ActivationCase =
        match ActivationCases.find (fun c -> c.FileName) fileName with
        | null -> Activation.ofFileName fileName |> Option.map ActivationCase |> Option.toObj
        | c -> c

    /// The registry entry of g.
    static member Of(g: Activation) : ActivationCase =
        match g with
        | UserActivation c -> ActivationCase c.Entry
        | _ -> Activations.OfCaseName(Activation.caseName g)

    /// The activation of case `caseName` with parameter `parameter` (LeakyReLU's slope, PReLU's and
    /// ELU's α; ignored otherwise), validated: ArgumentException naming `paramName` when the
    /// parameter is out of range, or naming "caseName" for an unknown case.
    static member Create(caseName: string, parameter: float, paramName: string) : Activation =
        match Activations.OfCaseName caseName with
        | null -> raise (ArgumentException(sprintf "Unknown activation '%s'." caseName, "caseName"))
        | c -> c.Create(parameter, paramName)

    /// The case name of g ("LeakyReLU" for LeakyReLU(0.01)).
    static member CaseName(g: Activation) : string = Activation.caseName g

    /// A readable name such as "ReLU" or "LeakyReLU(0.01)".
    static member Name(g: Activation) : string = Activation.name g

    /// The case's parameter (LeakyReLU slope, PReLU α, ELU α), or null for a case without one.
    static member Parameter(g: Activation) : Nullable<float> = Option.toNullable (Activation.parameter g)

    /// g′(z) entry by entry, z one row (the core's Activation.derivative; ArgumentException for
    /// softmax, whose derivative is a Jacobian per row). Course: S04.
    static member Derivative(g: Activation, z: float[]) : float[] =
        if isNull z then nullArg "z"
        if z.Length = 0 then [||] else (Mat.toRows (Activation.derivative g (Mat.row z))).[0]

    /// dZ = ∂L/∂Z from dA = ∂L/∂A, A = g(Z) (the core's Activation.backward): dA ⊙ g′(Z) for the
    /// element-wise cases; per row, the vector-Jacobian product for softmax (dz = p ⊙ (da − (da·p)))
    /// and log-softmax (dz = da − p·Σ da). Shapes: z n×m, dA n×m -> n×m; ArgumentException naming
    /// "dA" (with both shapes) when they differ. Course: S04, S22.
    static member Backward(g: Activation, z: Matrix<float>, dA: Matrix<float>) : Matrix<float> =
        Shape.same "z" z "dA" dA
        Activation.backward g z dA

    /// PReLU's ∂L/∂α = Σ_ij dA_ij·(z_ij if z_ij ≤ 0 else 0) (the core's Activation.alphaGradient);
    /// 0 for every other activation. Shapes: z n×m, dA n×m -> scalar; ArgumentException naming
    /// "dA" (with both shapes) when they differ. Course: S04 (PReLU).
    static member AlphaGradient(g: Activation, z: Matrix<float>, dA: Matrix<float>) : float =
        Shape.same "z" z "dA" dA
        Activation.alphaGradient g z dA

    /// g(z) for the one row z (element-wise; row-wise for softmax). Course: S04.
    static member Apply(g: Activation, z: float[]) : float[] =
        if isNull z then nullArg "z"
        if z.Length = 0 then [||] else (Mat.toRows (Activation.forward g (Mat.row z))).[0]

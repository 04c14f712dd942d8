namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// The activation functions of the course (S04). Each case has a forward g(Z), a derivative
/// g′(Z) and a backward dZ = dA ⊙ g′(Z) (softmax and log-softmax: a vector-Jacobian product per row).
type Activation =
    /// g(z) = z.
    | Identity
    /// g(z) = 1 if z ≥ 0 else 0.
    | BinaryStep
    /// g(z) = 1 / (1 + e^(−z)).
    | Sigmoid
    /// g(z) = tanh z.
    | Tanh
    /// g(z) = arctan z.
    | Arctan
    /// g(z) = max(0, z); g′(0) = 0 by choice.
    | ReLU
    /// g(z) = max(a·z, z) for a fixed slope 0 ≤ a &lt; 1 (course: a = 0.01 or 0.1).
    | LeakyReLU of slope: float
    /// g(z) = z if z &gt; 0 else α·z, with α learned by backprop.
    | PReLU of alpha: float
    /// g(z) = z if z &gt; 0 else α(e^z − 1).
    | ELU of alpha: float
    /// g(z) = ln(1 + e^z).
    | SoftPlus
    /// Swish (SiLU): g(z) = z·σ(z).
    | Swish
    /// Row-wise softmax p_j = e^(z_j − max z) / Σ_k e^(z_k − max z).
    | Softmax
    /// Row-wise log-softmax l_j = z_j − log Σ_k e^(z_k) = log p_j (the log of Softmax), computed as
    /// (z_j − max z) − log Σ_k e^(z_k − max z).
    | LogSoftmax
    /// A user's own element-wise activation (docs/extending.md), made by Activation.define and
    /// entered in the registry by Activation.register.
    | UserActivation of CustomActivation

/// How an activation is written in ONNX, as data the exporter and importer read (so neither names
/// an activation): an expression of the layer's pre-activation Z and the activation's
/// hyper-parameter, in ONNX's standard ops.
and [<RequireQualifiedAccess>] OnnxExpr =
    /// The activation's input Z.
    | Input
    /// The activation's hyper-parameter (slope, α) as a scalar tensor, named by the parameter.
    | Parameter
    /// A scalar constant of the graph's element type.
    | Constant of value: float
    /// A standard ONNX op on its inputs, with its attributes.
    | Op of op: string * inputs: OnnxExpr list * attributes: OnnxAttribute list
    /// A body Hybrid.Onnx builds under this name, for a body too long to read here (Cephes'
    /// arctangent in double, made of ops that ONNX Runtime runs in double).
    | Library of name: string

/// An attribute of an ONNX op in an OnnxExpr.
and [<RequireQualifiedAccess>] OnnxAttribute =
    /// An integer attribute with its value (Softmax's axis = −1).
    | Int of name: string * value: int64
    /// The activation's hyper-parameter as a float attribute (LeakyRelu's and Elu's alpha); when
    /// the attribute is absent an importer reads ONNX's default.
    | Parameter of name: string * onnxDefault: float

/// The ONNX form of an activation for one element type.
and [<RequireQualifiedAccess>] OnnxForm =
    /// No node: the layer's output is Z itself (the identity).
    | NoNode
    /// One standard node: the op reads Z and, when readsParameter, the hyper-parameter as a tensor
    /// [1] (PRelu's slope); its attributes may carry the parameter as a float (LeakyRelu's alpha).
    | Standard of op: string * readsParameter: bool * attributes: OnnxAttribute list
    /// A model-local function of domain "hybrid", named by the activation's Case name, whose body is
    /// the expression (input "Z", then the parameter's name if the activation has one). A runtime
    /// that knows no local functions runs the body inlined.
    | Function of OnnxExpr
    /// No ONNX form: a user's activation defined without an ONNX expression. Export refuses a
    /// network that holds it, naming the activation.
    | Unavailable

/// A hyper-parameter of an activation (a slope, α) or a loss (Huber's δ): its name, its default in
/// the façade and the CLI, the range its laws draw it from, and its check.
and ParameterSpec =
    { /// "slope" (leaky ReLU) or "alpha" (PReLU, ELU): the façade's parameter and ONNX's tensor name.
      Name: string
      /// The value the façade and the CLI use when none is given.
      Default: float
      /// The interval the laws draw it from.
      LawRange: float * float
      /// The error for a value out of range, or None when it is valid.
      Check: float -> string option }

/// Everything Hybrid knows about one activation, held once (S04): its math as the fast path runs
/// it (the kernel; the reference path calls the same scalar definitions), its kinks and the domain
/// its laws use, every name it goes by, and its formula for the playground's explain panel. Every
/// table of names (the interop, the façade, both model-file maps, the JSON intern list, ONNX export
/// and import, the CLI, the playground, the property generators) is read from `Activation.all`;
/// ActivationRegistryTests walk it and prove each entry reachable everywhere.
and ActivationEntry =
    { /// The core's case name and the façade's property: "LeakyReLU".
      Case: string
      /// The model file's name: "leakyRelu" (docs/model-format.md).
      File: string
      /// The CLI's and the playground's name: "leaky-relu".
      Cli: string
      /// The explain panel's title: "Leaky ReLU".
      Display: string
      /// g and g′ in one line (the explain panel, docs/activations.md).
      Formula: string
      /// Course items that teach it.
      Course: string
      /// The hyper-parameter, if any.
      Parameter: ParameterSpec option
      /// Makes the case from its parameter (ignored without one).
      Make: float -> Activation
      /// The points where g′ is not defined, for a parameter value.
      Kinks: float -> float list
      /// The interval [−r, r] of pre-activations the laws draw from.
      LawDomain: float
      /// Acts entry by entry (false for softmax and log-softmax, which act per row).
      Elementwise: bool
      /// The ONNX forms in float32 and float64.
      OnnxSingle: OnnxForm
      OnnxDouble: OnnxForm
      /// The fast path's loops over buffers, specialised to this activation, at float and at float32
      /// (one struct, the same scalar definitions at each type).
      Kernels: ActivationKernels }

/// A user's own element-wise activation (course item S04, extended by the user; docs/extending.md):
/// what the user declared (its spec) and its entry in the registry, made from it. Two are equal
/// when their names are (a registered name is unique in the process).
and [<Sealed>] CustomActivation internal (spec: CustomActivationSpec) as self =
    inherit UserDefined(spec.Name)
    let onnx = match spec.Onnx with Some e -> OnnxForm.Function e | None -> OnnxForm.Unavailable
    let entry =
        lazy
            { Case = spec.Name; File = spec.Name; Cli = spec.Name; Display = spec.Name
              Formula = (if String.IsNullOrWhiteSpace spec.Formula then spec.Name + " (user-defined)" else spec.Formula)
              Course = "S04"; Parameter = None; Make = (fun _ -> UserActivation self); Kinks = (fun _ -> spec.Kinks)
              LawDomain = spec.LawRange; Elementwise = true; OnnxSingle = onnx; OnnxDouble = onnx; Kernels = spec.Kernels }
    /// What the user declared.
    member _.Spec : CustomActivationSpec = spec
    /// Its registry entry (names, formula, kinks, law range, loops, ONNX form).
    member _.Entry : ActivationEntry = entry.Force()

/// What a user declares about an element-wise activation of their own besides its loops
/// (Activation.define): where it is defined, where its laws draw from, its kinks and its saturation.
and CustomActivationSpec =
    { /// The name it is registered and saved under: letters, digits, '-', '_' and '.', not a built-in's name.
      Name: string
      /// g and g′ in one line, for messages and docs ("" when not given).
      Formula: string
      /// The points where g′ is not defined; the derivative law keeps its steps away from them.
      Kinks: float list
      /// The interval where g is defined ((−∞, +∞) by default): every law draws inside it.
      Domain: float * float
      /// The derivative law draws z from [−r, r] ∩ Domain (10 by default).
      LawRange: float
      /// Whether g′(z) → 0 and g flattens as z → −∞ (sigmoid, tanh, softplus) …
      SaturatesBelow: bool
      /// … and as z → +∞ (sigmoid, tanh).
      SaturatesAbove: bool
      /// The ONNX expression of g in Z (OnnxExpr.Input) and standard ops, when the user gives one.
      Onnx: OnnxExpr option
      /// The loops at float and float32.
      Kernels: ActivationKernels }

/// Activation functions and their derivatives (course item S04; the collapse of stacked
/// linear layers is S05). Scalar forms first (generic over the element type: `sigmoid 0.5f` is
/// the float32 instantiation of the same definition), then the row functions, the matrix forms
/// used by layers, and the registry.
/// Convention: Z is n×m, one example per row; every function keeps the shape.
module Activation =

    // ---------------------------------------------------------------- scalar forms

    /// ln(1 + x), accurate for small x in every precision (Goldberg's form, "What every computer
    /// scientist should know about floating-point arithmetic", 1991, Theorem 4): with w = 1 ⊕ x
    /// rounded, ln(1 + x) = x when w = 1, else x·ln w / (w ⊖ 1), whose rounding errors of w cancel.
    let inline private log1p x =
        let w = one + x
        if w = one then x else x * log w / (w - one)

    /// identity(z) = z. Course: S04, S05.
    let inline identity z = z

    /// identity′(z) = 1. Course: S04.
    let inline identity' (_: 'T) : 'T = one

    /// step(z) = 1 if z ≥ 0 else 0 (S01's convention, 1 at 0). Course: S01, S04.
    let inline binaryStep z = if z >= zero then one else zero

    /// step′(z) = 0 for z ≠ 0; undefined at 0, where we also return 0. Course: S04.
    let inline binaryStep' (_: 'T) : 'T = zero

    /// σ(z) = 1 / (1 + e^(−z)), evaluated so that e^x never overflows (|z| up to 1e308 is
    /// fine): for z &lt; 0 it uses e^z / (1 + e^z). Course: S03, S04.
    let inline sigmoid z =
        if z >= zero then one / (one + exp (-z))
        else
            let e = exp z
            e / (one + e)

    /// σ′ from the output a = σ(z): σ′(z) = a(1 − a). Course: S04, S09.
    let inline sigmoid'ofOutput a = a * (one - a)

    /// σ′(z) = σ(z)(1 − σ(z)). Course: S04, S09.
    let inline sigmoid' z = sigmoid'ofOutput (sigmoid z)

    /// tanh z. Course: S04.
    let inline tanh z = Operators.tanh z

    /// tanh′ from the output a = tanh z: 1 − a². Course: S04.
    let inline tanh'ofOutput a = one - a * a

    /// tanh′(z) = 1 − tanh²(z). Course: S04.
    let inline tanh' z = tanh'ofOutput (tanh z)

    /// arctan z. Course: S04.
    let inline arctan z = atan z

    /// arctan′(z) = 1 / (1 + z²). Course: S04.
    let inline arctan' z = one / (one + z * z)

    /// ReLU(z) = max(0, z). Course: S04.
    let inline relu z = if z > zero then z else zero

    /// ReLU′(z) = 1 if z &gt; 0 else 0. At the kink z = 0 we choose 0 (slides 000 say 0,
    /// 001/002 say 1; see docs/errata.md). Course: S04.
    let inline relu' z = if z > zero then one else zero

    /// Leaky ReLU(z) = max(a·z, z) = z if z &gt; 0 else a·z (for 0 ≤ a &lt; 1). Course: S04.
    let inline leakyRelu a z = if z > zero then z else a * z

    /// Leaky ReLU′(z) = 1 if z &gt; 0 else a (a at the kink, as ReLU′(0) = 0). Course: S04.
    let inline leakyRelu' a z = if z > zero then one else a

    /// ELU(z) = z if z &gt; 0 else α(e^z − 1). Course: S04 (the slide's "leaky ReLU" formula).
    let inline elu alpha z = if z > zero then z else alpha * (exp z - one)

    /// ELU′(z) = 1 if z &gt; 0 else α·e^z = ELU(z) + α (α at z = 0). Course: S04.
    let inline elu' alpha z = if z > zero then one else alpha * exp z

    /// SoftPlus(z) = ln(1 + e^z) = max(z, 0) + ln(1 + e^(−|z|)); the stable form never
    /// overflows. Course: S04.
    let inline softplus z = max z zero + log1p (exp (-(abs z)))

    /// SoftPlus′(z) = σ(z). Course: S04.
    let inline softplus' z = sigmoid z

    /// Swish (SiLU) swish(z) = z·σ(z) (Ramachandran, Zoph and Le 2017, "Searching for activation
    /// functions"; PyTorch's SiLU): smooth, unbounded above, with a minimum ≈ −0.278 near z ≈ −1.278.
    /// Course: S04.
    let inline swish z = z * sigmoid z

    /// swish′(z) = σ(z) + z·σ(z)(1 − σ(z)) = σ(z)(1 + z(1 − σ(z))). Course: S04.
    let inline swish' z =
        let s = sigmoid z
        s * (one + z * (one - s))

    // ---------------------------------------------------------------- row forms (S04, S22)

    /// max_j z[o + j] over one row of `cols` entries at offset o (the shift of softmax, log-softmax
    /// and the fused softmax cross-entropy). Course: S04, S22.
    let inline rowMax (z: 'T[]) (o: int) (cols: int) : 'T =
        let mutable m = z.[o]
        for j in 1 .. cols - 1 do
            if z.[o + j] > m then m <- z.[o + j]
        m

    /// a[o + j] ← e^(z[o + j] − m) over one row, m its max; returns Σ_j e^(z_j − m), the shared first
    /// half of softmax and log-softmax. Course: S04, S22.
    let inline expShifted (z: 'T[]) (a: 'T[]) (o: int) (cols: int) (m: 'T) : 'T =
        let mutable s = zero
        for j in 0 .. cols - 1 do
            let e = exp (z.[o + j] - m)
            a.[o + j] <- e
            s <- s + e
        s

    /// Softmax of one row, shifted by the row maximum so that e^x never overflows:
    /// p_j = e^(z_j − max z) / Σ_l e^(z_l − max z). Course: S04, S22.
    let inline softmaxRow (z: 'T[]) (p: 'T[]) (o: int) (cols: int) : unit =
        let s = expShifted z p o cols (rowMax z o cols)
        for j in 0 .. cols - 1 do
            p.[o + j] <- p.[o + j] / s

    /// The softmax backward of one row (S12's vector-Jacobian product with J = diag(p) − p·pᵀ,
    /// in O(k) without building J): dz = p ⊙ (da − da·p). Course: S04, S12.
    let inline softmaxRowBackward (p: 'T[]) (da: 'T[]) (dz: 'T[]) (o: int) (cols: int) : unit =
        let mutable dot = zero
        for j in 0 .. cols - 1 do
            dot <- dot + da.[o + j] * p.[o + j]
        for j in 0 .. cols - 1 do
            dz.[o + j] <- p.[o + j] * (da.[o + j] - dot)

    /// Log-softmax of one row: l_j = (z_j − m) − log Σ_l e^(z_l − m), m = max z; so e^x never
    /// overflows and no probability is rounded to 0 before its log is taken. Course: S04, S22.
    let inline logSoftmaxRow (z: 'T[]) (l: 'T[]) (o: int) (cols: int) : unit =
        let m = rowMax z o cols
        let s = log (expShifted z l o cols m)
        for j in 0 .. cols - 1 do
            l.[o + j] <- (z.[o + j] - m) - s

    /// The log-softmax backward of one row: ∂l_j/∂z_k = δ_jk − p_k, so J = I − 1·pᵀ and
    /// dz = Jᵀ·da = da − p·(Σ_j da_j), with p = e^l from the forward's output l. Course: S04.
    let inline logSoftmaxRowBackward (l: 'T[]) (da: 'T[]) (dz: 'T[]) (o: int) (cols: int) : unit =
        let mutable total = zero
        for j in 0 .. cols - 1 do
            total <- total + da.[o + j]
        for j in 0 .. cols - 1 do
            dz.[o + j] <- da.[o + j] - exp l.[o + j] * total

    // ---------------------------------------------------------------- the loops' view of each definition

    // Each struct hands one definition above to the loops of Numerics/Elementwise.fs, which the JIT
    // specialises per struct (no call per entry). Nothing here is a formula of its own.

    [<Struct>]
    type private IdentityOp =
        interface IElementwise<float> with
            member _.Value(z, _) = identity z
            member _.Backward(z, _, da, _) = da * identity' z
        interface IElementwise<float32> with
            member _.Value(z, _) = identity z
            member _.Backward(z, _, da, _) = da * identity' z

    [<Struct>]
    type private BinaryStepOp =
        interface IElementwise<float> with
            member _.Value(z, _) = binaryStep z
            member _.Backward(z, _, da, _) = da * binaryStep' z
        interface IElementwise<float32> with
            member _.Value(z, _) = binaryStep z
            member _.Backward(z, _, da, _) = da * binaryStep' z

    [<Struct>]
    type private SigmoidOp =
        interface IElementwise<float> with
            member _.Value(z, _) = sigmoid z
            member _.Backward(_, a, da, _) = da * sigmoid'ofOutput a
        interface IElementwise<float32> with
            member _.Value(z, _) = sigmoid z
            member _.Backward(_, a, da, _) = da * sigmoid'ofOutput a

    [<Struct>]
    type private TanhOp =
        interface IElementwise<float> with
            member _.Value(z, _) = tanh z
            member _.Backward(_, a, da, _) = da * tanh'ofOutput a
        interface IElementwise<float32> with
            member _.Value(z, _) = tanh z
            member _.Backward(_, a, da, _) = da * tanh'ofOutput a

    [<Struct>]
    type private ArctanOp =
        interface IElementwise<float> with
            member _.Value(z, _) = arctan z
            member _.Backward(z, _, da, _) = da * arctan' z
        interface IElementwise<float32> with
            member _.Value(z, _) = arctan z
            member _.Backward(z, _, da, _) = da * arctan' z

    /// The lanes where z &gt; 0 pick `ifPositive`, the others `otherwise` (Vector&lt;'T&gt;.Count entries at once).
    let inline private wherePositive (z: System.Numerics.Vector<'T>) (ifPositive: System.Numerics.Vector<'T>) (otherwise: System.Numerics.Vector<'T>) =
        System.Numerics.Vector.ConditionalSelect(System.Numerics.Vector.GreaterThan(z, System.Numerics.Vector<'T>.Zero), ifPositive, otherwise)

    /// ReLU, leaky ReLU and PReLU: g(z) = z if z &gt; 0 else p·z (p = 0 for ReLU), and the same
    /// select on lanes (+ 0 turns ReLU's p·z = −0 into relu's +0).
    [<Struct>]
    type private LeakyOp =
        interface IElementwiseLanes<float> with
            member _.Value(z, p) = if p = 0.0 then relu z else leakyRelu p z
            member _.Backward(z, _, da, p) = da * (if p = 0.0 then relu' z else leakyRelu' p z)
            member _.Values(z, p) = wherePositive z z (p * z + System.Numerics.Vector<float>.Zero)
            member _.Backwards(z, da, p) = wherePositive z da (da * p)
        interface IElementwiseLanes<float32> with
            member _.Value(z, p) = if p = 0.0f then relu z else leakyRelu p z
            member _.Backward(z, _, da, p) = da * (if p = 0.0f then relu' z else leakyRelu' p z)
            member _.Values(z, p) = wherePositive z z (p * z + System.Numerics.Vector<float32>.Zero)
            member _.Backwards(z, da, p) = wherePositive z da (da * p)

    [<Struct>]
    type private EluOp =
        interface IElementwise<float> with
            member _.Value(z, p) = elu p z
            member _.Backward(z, _, da, p) = da * elu' p z
        interface IElementwise<float32> with
            member _.Value(z, p) = elu p z
            member _.Backward(z, _, da, p) = da * elu' p z

    [<Struct>]
    type private SoftPlusOp =
        interface IElementwise<float> with
            member _.Value(z, _) = softplus z
            member _.Backward(z, _, da, _) = da * softplus' z
        interface IElementwise<float32> with
            member _.Value(z, _) = softplus z
            member _.Backward(z, _, da, _) = da * softplus' z

    [<Struct>]
    type private SwishOp =
        interface IElementwise<float> with
            member _.Value(z, _) = swish z
            member _.Backward(z, _, da, _) = da * swish' z
        interface IElementwise<float32> with
            member _.Value(z, _) = swish z
            member _.Backward(z, _, da, _) = da * swish' z

    [<Struct>]
    type private SoftmaxOp =
        interface IRowwise<float> with
            member _.RowForward(z, a, o, cols) = softmaxRow z a o cols
            member _.RowBackward(_, a, da, dz, o, cols) = softmaxRowBackward a da dz o cols
        interface IRowwise<float32> with
            member _.RowForward(z, a, o, cols) = softmaxRow z a o cols
            member _.RowBackward(_, a, da, dz, o, cols) = softmaxRowBackward a da dz o cols

    [<Struct>]
    type private LogSoftmaxOp =
        interface IRowwise<float> with
            member _.RowForward(z, a, o, cols) = logSoftmaxRow z a o cols
            member _.RowBackward(_, a, da, dz, o, cols) = logSoftmaxRowBackward a da dz o cols
        interface IRowwise<float32> with
            member _.RowForward(z, a, o, cols) = logSoftmaxRow z a o cols
            member _.RowBackward(_, a, da, dz, o, cols) = logSoftmaxRowBackward a da dz o cols

    // ---------------------------------------------------------------- the registry (S04)

    let private noKinks (_: float) : float list = []
    let private kinkAtZero (_: float) : float list = [ 0.0 ]

    let private unitSlope (p: float) =
        if not (Double.IsFinite p) || p < 0.0 || p >= 1.0 then Some(sprintf "LeakyReLU slope must lie in [0, 1) but is %g." p) else None

    let private finiteAlpha (p: float) =
        if not (Double.IsFinite p) then Some(sprintf "PReLU alpha must be finite but is %g." p) else None

    let private eluAlpha (p: float) =
        if not (Double.IsFinite p) || p < 0.0 then Some(sprintf "ELU alpha must be a finite number >= 0 but is %g." p) else None

    let private op name inputs = OnnxExpr.Op(name, inputs, [])
    let private Z = OnnxExpr.Input
    let private Parameter = OnnxExpr.Parameter
    let private Constant x = OnnxExpr.Constant x
    let private Standard (op, readsParameter, attributes) = OnnxForm.Standard(op, readsParameter, attributes)
    let private Function e = OnnxForm.Function e
    let private NoNode = OnnxForm.NoNode

    /// Every activation, in the order the façade, the CLI and the docs list them: the one table of
    /// names and forms (S04). Adding an activation is a case of the Activation type, its scalar
    /// definitions above, its struct for the loops, and its entry here (docs/facade-note.md, "Adding an activation").
    let all : ActivationEntry list =
        let entry case file cli display formula course make kernel =
            { Case = case; File = file; Cli = cli; Display = display; Formula = formula; Course = course
              Parameter = None; Make = make; Kinks = noKinks; LawDomain = 4.0; Elementwise = true
              OnnxSingle = NoNode; OnnxDouble = NoNode; Kernels = kernel }
        let standard name = Standard(name, false, [])
        [ { entry "Identity" "identity" "identity" "Identity" "g(z) = z; g′(z) = 1 — stacked linear layers collapse into one" "S04, S05"
                  (fun _ -> Identity) (ActivationKernels.elementwise<IdentityOp> ()) with
              OnnxSingle = NoNode; OnnxDouble = NoNode }
          { entry "BinaryStep" "binaryStep" "binary-step" "Binary step" "g(z) = 1 if z ≥ 0 else 0; g′(z) = 0 (undefined at 0)" "S01, S04"
                  (fun _ -> BinaryStep) (ActivationKernels.elementwise<BinaryStepOp> ()) with
              Kinks = kinkAtZero
              OnnxSingle = Function(op "Where" [ op "GreaterOrEqual" [ Z; Constant 0.0 ]; Constant 1.0; Constant 0.0 ])
              OnnxDouble = Function(op "Where" [ op "GreaterOrEqual" [ Z; Constant 0.0 ]; Constant 1.0; Constant 0.0 ]) }
          { entry "Sigmoid" "sigmoid" "sigmoid" "Sigmoid" "σ(z) = 1/(1 + e^(−z)); σ′(z) = σ(z)(1 − σ(z))" "S03, S04"
                  (fun _ -> Sigmoid) (ActivationKernels.elementwise<SigmoidOp> ()) with
              OnnxSingle = standard "Sigmoid"; OnnxDouble = standard "Sigmoid" }
          { entry "Tanh" "tanh" "tanh" "tanh" "g(z) = tanh z; g′(z) = 1 − tanh² z" "S04"
                  (fun _ -> Tanh) (ActivationKernels.elementwise<TanhOp> ()) with
              OnnxSingle = standard "Tanh"; OnnxDouble = standard "Tanh" }
          { entry "Arctan" "arctan" "arctan" "arctan" "g(z) = arctan z; g′(z) = 1/(1 + z²)" "S04"
                  (fun _ -> Arctan) (ActivationKernels.elementwise<ArctanOp> ()) with
              // ONNX Runtime's CPU provider has no double Atan kernel: Cephes' arctangent of double ops.
              OnnxSingle = standard "Atan"; OnnxDouble = Function(OnnxExpr.Library "Arctan") }
          { entry "ReLU" "relu" "relu" "ReLU" "g(z) = max(0, z); g′(z) = 1 if z > 0 else 0 (ReLU′(0) = 0)" "S04"
                  (fun _ -> ReLU) (ActivationKernels.lanes<LeakyOp> ()) with
              Kinks = kinkAtZero; OnnxSingle = standard "Relu"; OnnxDouble = standard "Relu" }
          { entry "LeakyReLU" "leakyRelu" "leaky-relu" "Leaky ReLU" "g(z) = max(a·z, z); g′(z) = 1 if z > 0 else a" "S04"
                  LeakyReLU (ActivationKernels.lanes<LeakyOp> ()) with
              Parameter = Some { Name = "slope"; Default = 0.01; LawRange = (0.0, 0.3); Check = unitSlope }
              Kinks = kinkAtZero
              OnnxSingle = Standard("LeakyRelu", false, [ OnnxAttribute.Parameter("alpha", 0.01) ])
              // LeakyRelu's alpha is a float32 attribute: in double, PRelu with a double slope tensor.
              OnnxDouble = Function(op "PRelu" [ Z; Parameter ]) }
          { entry "PReLU" "prelu" "prelu" "PReLU" "g(z) = z if z > 0 else α·z; g′(z) = 1 if z > 0 else α; ∂g/∂α = z for z ≤ 0" "S04"
                  PReLU (ActivationKernels.lanes<LeakyOp> ()) with
              Parameter = Some { Name = "alpha"; Default = 0.25; LawRange = (-0.5, 0.5); Check = finiteAlpha }
              Kinks = kinkAtZero
              OnnxSingle = Standard("PRelu", true, []); OnnxDouble = Standard("PRelu", true, []) }
          { entry "ELU" "elu" "elu" "ELU" "g(z) = z if z > 0 else α(eᶻ − 1); g′(z) = 1 if z > 0 else g(z) + α" "S04"
                  ELU (ActivationKernels.elementwise<EluOp> ()) with
              Parameter = Some { Name = "alpha"; Default = 1.0; LawRange = (0.1, 2.0); Check = eluAlpha }
              Kinks = (fun a -> if a <> 1.0 then [ 0.0 ] else [])
              OnnxSingle = Standard("Elu", false, [ OnnxAttribute.Parameter("alpha", 1.0) ])
              // ONNX Runtime has no double Elu kernel.
              OnnxDouble = Function(op "Where" [ op "Greater" [ Z; Constant 0.0 ]; Z; op "Mul" [ Parameter; op "Sub" [ op "Exp" [ Z ]; Constant 1.0 ] ] ]) }
          { entry "SoftPlus" "softplus" "softplus" "SoftPlus" "g(z) = ln(1 + eᶻ); g′(z) = σ(z)" "S04"
                  (fun _ -> SoftPlus) (ActivationKernels.elementwise<SoftPlusOp> ()) with
              OnnxSingle = standard "Softplus"
              // ONNX Runtime has no double Softplus kernel: max(z, 0) + log1p(e^(−|z|)) as softplus above.
              OnnxDouble =
                let u = op "Exp" [ op "Neg" [ op "Abs" [ Z ] ] ]
                let w = op "Add" [ Constant 1.0; u ]
                let log1p = op "Where" [ op "Equal" [ w; Constant 1.0 ]; u; op "Div" [ op "Mul" [ u; op "Log" [ w ] ]; op "Sub" [ w; Constant 1.0 ] ] ]
                Function(op "Add" [ op "Max" [ Z; Constant 0.0 ]; log1p ]) }
          { entry "Swish" "swish" "swish" "Swish (SiLU)" "g(z) = z·σ(z); g′(z) = σ(z)(1 + z(1 − σ(z)))" "S04"
                  (fun _ -> Swish) (ActivationKernels.elementwise<SwishOp> ()) with
              // Opset 17 has no Swish op: z·σ(z) of Mul and Sigmoid, which run in double.
              OnnxSingle = Function(op "Mul" [ Z; op "Sigmoid" [ Z ] ]); OnnxDouble = Function(op "Mul" [ Z; op "Sigmoid" [ Z ] ]) }
          { entry "Softmax" "softmax" "softmax" "Softmax" "p_j = e^(z_j − max z) / Σ_l e^(z_l − max z), per row" "S04, S22"
                  (fun _ -> Softmax) (ActivationKernels.rowwise<SoftmaxOp> ()) with
              Elementwise = false
              OnnxSingle = Standard("Softmax", false, [ OnnxAttribute.Int("axis", -1L) ])
              OnnxDouble = Standard("Softmax", false, [ OnnxAttribute.Int("axis", -1L) ]) }
          { entry "LogSoftmax" "logSoftmax" "log-softmax" "Log-softmax" "l_j = (z_j − max z) − log Σ_l e^(z_l − max z), per row" "S04, S22"
                  (fun _ -> LogSoftmax) (ActivationKernels.rowwise<LogSoftmaxOp> ()) with
              Elementwise = false
              OnnxSingle = Standard("LogSoftmax", false, [ OnnxAttribute.Int("axis", -1L) ])
              OnnxDouble = Standard("LogSoftmax", false, [ OnnxAttribute.Int("axis", -1L) ]) } ]

    let private byCase = all |> List.map (fun e -> e.Case, e) |> dict

    /// The case's name ("LeakyReLU" for LeakyReLU 0.01): an exhaustive match, so a new case
    /// without a name does not compile.
    let caseName (g: Activation) : string =
        match g with
        | Identity -> "Identity" | BinaryStep -> "BinaryStep" | Sigmoid -> "Sigmoid" | Tanh -> "Tanh"
        | Arctan -> "Arctan" | ReLU -> "ReLU" | LeakyReLU _ -> "LeakyReLU" | PReLU _ -> "PReLU"
        | ELU _ -> "ELU" | SoftPlus -> "SoftPlus" | Swish -> "Swish" | Softmax -> "Softmax" | LogSoftmax -> "LogSoftmax"
        | UserActivation c -> c.Name

    /// The registry entry of g (a user's activation carries its own). ActivationRegistryTests prove
    /// every built-in case has exactly one.
    let entry (g: Activation) : ActivationEntry =
        match g with
        | UserActivation c -> c.Entry
        | _ -> byCase.[caseName g]

    // ---------------------------------------------------------------- users' own activations (docs/extending.md)

    let private registeredCustoms = ResizeArray<CustomActivation>()

    /// Whether `name` is taken by a built-in activation under any of its names (case-insensitive,
    /// so a saved "Relu" can never mean two things).
    let private isBuiltInName (name: string) =
        all |> List.exists (fun e ->
            [ e.Case; e.File; e.Cli ] |> List.exists (fun n -> String.Equals(n, name, StringComparison.OrdinalIgnoreCase)))

    /// A user's own element-wise activation from its spec (S04), not yet registered: it can be
    /// verified (Verification.activation) before Activation.register enters it for training and
    /// saving. ArgumentException (naming "name") for a name that is empty, longer than 64 characters,
    /// holds characters other than letters, digits, '-', '_' and '.', or is a built-in's; (naming "options") for a
    /// domain that is not an interval lo &lt; hi; for a law range that is not finite and &gt; 0; for a
    /// kink that is not finite.
    let define (spec: CustomActivationSpec) : Activation =
        let name = spec.Name
        if String.IsNullOrWhiteSpace name then Shape.fail "name" "an activation's name must not be empty."
        if name.Length > 64 then Shape.fail "name" (sprintf "an activation's name has at most 64 characters, but \"%s…\" has %d." (name.Substring(0, 32)) name.Length)
        if not (name |> Seq.forall (fun c -> Char.IsAsciiLetterOrDigit c || c = '-' || c = '_' || c = '.')) then
            Shape.fail "name" (sprintf "an activation's name holds only ASCII letters, digits, '-', '_' and '.', but is \"%s\"." name)
        if isBuiltInName name then Shape.fail "name" (sprintf "\"%s\" is the name of a built-in activation; choose another." name)
        let lo, hi = spec.Domain
        if Double.IsNaN lo || Double.IsNaN hi || not (lo < hi) then
            Shape.fail "options" (sprintf "the domain of %s must be an interval lo < hi, but is (%g, %g)." name lo hi)
        if not (Double.IsFinite spec.LawRange && spec.LawRange > 0.0) then
            Shape.fail "options" (sprintf "the law range of %s must be a finite number > 0, but is %g." name spec.LawRange)
        match spec.Kinks |> List.tryFind (fun k -> not (Double.IsFinite k)) with
        | Some k -> Shape.fail "options" (sprintf "the kinks of %s must be finite, but one is %g." name k)
        | None -> ()
        if isNull (box spec.Kernels.Double) || isNull (box spec.Kernels.Single) then Shape.fail "options" (sprintf "%s has no loops." name)
        UserActivation(CustomActivation spec)

    /// Enters a user's activation in the registry, so that model files name it and loading finds it
    /// (registeredEntries, ofFileName). Registering the same definition again does nothing; a second
    /// definition under a registered name is an ArgumentException (naming "g"), as is a built-in.
    /// Course: S04.
    let register (g: Activation) : unit =
        match g with
        | UserActivation c ->
            lock registeredCustoms (fun () ->
                match registeredCustoms |> Seq.tryFind (fun r -> String.Equals(r.Name, c.Name, StringComparison.OrdinalIgnoreCase)) with
                | Some r when obj.ReferenceEquals(r, c) -> ()
                | Some r -> Shape.fail "g" (sprintf "an activation named \"%s\" is already registered by another definition; give this one another name." r.Name)
                | None -> registeredCustoms.Add c)
        | _ -> Shape.fail "g" (sprintf "%s is built in; only a user's activation (Activation.define) is registered." (caseName g))

    /// Whether g may train and be saved: a built-in, or a user's activation that is registered
    /// (that very definition). Course: S04.
    let isRegistered (g: Activation) : bool =
        match g with
        | UserActivation c -> lock registeredCustoms (fun () -> registeredCustoms |> Seq.exists (fun r -> obj.ReferenceEquals(r, c)))
        | _ -> true

    /// Every entry a model file may name: the built-ins (`all`), then the users' registered
    /// activations in the order they were registered. Course: S04.
    let registeredEntries () : ActivationEntry list =
        all @ lock registeredCustoms (fun () -> registeredCustoms |> Seq.map (fun c -> c.Entry) |> List.ofSeq)

    /// The entry a model file names `name` by (exact spelling), built in or registered, or None. Course: S04.
    let ofFileName (name: string) : ActivationEntry option =
        registeredEntries () |> List.tryFind (fun e -> String.Equals(e.File, name, StringComparison.Ordinal))

    /// g's hyper-parameter (the leaky slope, PReLU's α, ELU's α), or None.
    let parameter (g: Activation) : float option =
        match g with
        | LeakyReLU a | PReLU a | ELU a -> Some a
        | _ -> None

    // ---------------------------------------------------------------- matrix forms

    /// Checks the hyper-parameter of an activation against its entry: slopes and alphas must be
    /// finite, a leaky slope must lie in [0, 1) and an ELU alpha must be ≥ 0.
    let validate (paramName: string) (g: Activation) : unit =
        match (entry g).Parameter, parameter g with
        | Some p, Some value -> p.Check value |> Option.iter (Shape.fail paramName)
        | _ -> ()

    /// The loops' hyper-parameter of g: its parameter, or 0 for the activations without one (which
    /// ignore it). Allocates nothing (the fast path asks once per layer and batch).
    let loopParameter (g: Activation) : float =
        match g with
        | LeakyReLU a | PReLU a | ELU a -> a
        | _ -> 0.0

    let private p = loopParameter

    /// A row function applied to every row of Z (row-major copies in and out).
    let private byRows (row: float[] -> float[] -> int -> int -> unit) (Z: Matrix<float>) : Matrix<float> =
        let z = Mat.toRowMajor Z
        let a = Array.zeroCreate<float> z.Length
        for r in 0 .. Z.RowCount - 1 do
            row z a (r * Z.ColumnCount) Z.ColumnCount
        Mat.ofRowMajor Z.RowCount Z.ColumnCount a

    /// Row-wise softmax, shifted by the row maximum so that e^x never overflows:
    /// P_ij = e^(Z_ij − max_k Z_ik) / Σ_l e^(Z_il − max_k Z_ik) (softmaxRow on each row). Rows of P
    /// lie in (0, 1) (up to underflow to 0 for logits more than ~745 below the row max) and sum to 1.
    /// Shapes: Z n×k -> n×k. Course: S04, S22. Checked by: ActivationProperties "S04 / softmax / rows sum to one and lie in (0, 1)", "S04 / softmax / unchanged by adding a constant to a row".
    let softmax (Z: Matrix<float>) : Matrix<float> = byRows softmaxRow Z

    /// Row-wise log-softmax, the log of softmax (S04): L_ij = Z_ij − log Σ_l e^(Z_il), computed
    /// stably as L_ij = (Z_ij − m_i) − log Σ_l e^(Z_il − m_i) with m_i = max_k Z_ik (logSoftmaxRow
    /// on each row), so e^x never overflows and no probability is rounded to 0 before its log
    /// is taken (a log-probability of −1000 stays −1000, where log(softmax Z) would give −∞). Every
    /// entry is ≤ 0 and each row of e^L sums to 1. Shapes: Z n×k -> n×k. Course: S04, S22
    /// (PyTorch's LogSoftmax, the input of NLLLoss).
    /// Checked by: ActivationProperties "S04 / log-softmax / equals the log of softmax",
    /// "S04 / log-softmax / exp of each row sums to one and every entry is finite and at most 0",
    /// "S04 / log-softmax / backward is dA − softmax(Z)·rowsum(dA) and equals central differences".
    let logSoftmax (Z: Matrix<float>) : Matrix<float> = byRows logSoftmaxRow Z

    /// Whether g acts entry by entry (every case but Softmax and LogSoftmax).
    let isElementwise (g: Activation) : bool = (entry g).Elementwise

    /// A = g(Z): element-wise for every case but Softmax and LogSoftmax, which are row-wise; the
    /// entry's definitions through its kernel, on a copy. Shapes: Z n×m -> n×m. Course: S04.
    let forward (g: Activation) (Z: Matrix<float>) : Matrix<float> =
        Shape.notNull "Z" Z
        let z = Mat.toRowMajor Z
        let a = Array.zeroCreate<float> z.Length
        (entry g).Kernels.Double.Forward(p g, z, a, Z.RowCount, Z.ColumnCount)
        Mat.ofRowMajor Z.RowCount Z.ColumnCount a

    /// g′(Z) entry by entry, for the element-wise cases (the backward of a gradient of ones: da·g′ =
    /// g′ exactly). Softmax has a Jacobian per row, not an element-wise derivative: asking for one
    /// raises ArgumentException (its diagonal p(1 − p) alone is the slip of slides 000; see
    /// docs/errata.md). Course: S04.
    let derivative (g: Activation) (Z: Matrix<float>) : Matrix<float> =
        Shape.notNull "Z" Z
        match g with
        | Softmax -> Shape.fail "g" "softmax has no element-wise derivative (its Jacobian is diag(p) − p·pᵀ per row): use Activation.backward."
        | LogSoftmax -> Shape.fail "g" "log-softmax has no element-wise derivative (its Jacobian is I − 1·pᵀ per row): use Activation.backward."
        | _ ->
            let z = Mat.toRowMajor Z
            let a = Array.zeroCreate<float> z.Length
            let k = (entry g).Kernels.Double
            k.Forward(p g, z, a, Z.RowCount, Z.ColumnCount)
            let d = Array.zeroCreate<float> z.Length
            k.Backward(p g, z, a, Array.create z.Length 1.0, d, Z.RowCount, Z.ColumnCount)
            Mat.ofRowMajor Z.RowCount Z.ColumnCount d

    /// dZ = dA ⊙ g′(Z) for the element-wise cases. For Softmax, per row i with p = softmax(z_i):
    /// dz_i = J_iᵀ·da_i = p ⊙ (da_i − (da_i·p)), the vector-Jacobian product with
    /// J = diag(p) − p·pᵀ, computed in O(k) per row without building J (S12). For LogSoftmax,
    /// ∂l_j/∂z_k = δ_jk − p_k, so J = I − 1·pᵀ and dz_i = Jᵀ·da_i = da_i − p·(Σ_j da_ij): in matrix
    /// form dZ = dA − softmax(Z) ⊙ (rowsum(dA)·1ᵀ). The fast path runs the same kernel on its buffers.
    /// Shapes: Z n×m, dA n×m -> dZ n×m. Course: S04, S12, S16 (BP2's ⊙ σ′(z)).
    /// Checked by: ActivationProperties "S04 / activations / backward equals the vector-Jacobian product by central differences, for every activation".
    let backward (g: Activation) (Z: Matrix<float>) (dA: Matrix<float>) : Matrix<float> =
        Shape.same "Z" Z "dA" dA
        let z = Mat.toRowMajor Z
        let a = Array.zeroCreate<float> z.Length
        let k = (entry g).Kernels.Double
        k.Forward(p g, z, a, Z.RowCount, Z.ColumnCount)
        let dz = Array.zeroCreate<float> z.Length
        k.Backward(p g, z, a, Mat.toRowMajor dA, dz, Z.RowCount, Z.ColumnCount)
        Mat.ofRowMajor Z.RowCount Z.ColumnCount dz

    /// PReLU's ∂L/∂α over the first `count` entries of row-major buffers: Σ_i da_i·z_i over z_i ≤ 0
    /// (one α shared by the layer), entries in order. Course: S04 (PReLU).
    let inline alphaGradientOf (z: 'T[]) (da: 'T[]) (count: int) : 'T =
        let mutable s = zero
        for i in 0 .. count - 1 do
            if z.[i] <= zero then s <- s + da.[i] * z.[i]
        s

    /// PReLU's gradient with respect to its learned α (one α shared by the layer):
    /// ∂L/∂α = Σ_ij dA_ij · (Z_ij if Z_ij ≤ 0 else 0). Zero for every other activation.
    /// Shapes: Z n×m, dA n×m -> scalar. Course: S04 (PReLU). Checked by: ActivationProperties
    /// "S04 / PReLU / the alpha gradient equals the central difference in alpha", DenseProperties
    /// "S04 / PReLU / the alpha gradient through a dense layer matches central differences".
    let alphaGradient (g: Activation) (Z: Matrix<float>) (dA: Matrix<float>) : float =
        Shape.same "Z" Z "dA" dA
        match g with
        | PReLU _ -> alphaGradientOf (Mat.toRowMajor Z) (Mat.toRowMajor dA) (Z.RowCount * Z.ColumnCount)
        | _ -> 0.0

    /// The points where g′ is not defined (so a central difference across them is meaningless):
    /// 0 for the step, ReLU, leaky ReLU and PReLU, and for ELU unless α = 1. Properties keep
    /// generated inputs away from these kinks and test the chosen value at the kink apart.
    let kinks (g: Activation) : float list = (entry g).Kinks (p g)

    /// A readable name for messages and docs: the case name, with its parameter ("LeakyReLU(0.01)").
    let name (g: Activation) : string =
        match parameter g with
        | Some a -> sprintf "%s(%g)" (caseName g) a
        | None -> caseName g

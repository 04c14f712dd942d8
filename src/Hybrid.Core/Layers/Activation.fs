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
    /// Row-wise softmax p_j = e^(z_j − max z) / Σ_k e^(z_k − max z).
    | Softmax
    /// Row-wise log-softmax l_j = z_j − log Σ_k e^(z_k) = log p_j (the log of Softmax), computed as
    /// (z_j − max z) − log Σ_k e^(z_k − max z).
    | LogSoftmax

/// Activation functions and their derivatives (course item S04; the collapse of stacked
/// linear layers is S05). Scalar forms first, then the matrix forms used by layers.
/// Convention: Z is n×m, one example per row; every function keeps the shape.
module Activation =

    // ---------------------------------------------------------------- scalar forms

    /// ln(1 + x), accurate for small x.
    let private log1p (x: float) : float =
        if abs x < 1e-4 then x - x * x / 2.0 + x * x * x / 3.0 else Math.Log(1.0 + x)

    /// identity(z) = z; identity′(z) = 1. Course: S04.
    let identity (z: float) : float = z

    /// identity′(z) = 1. Course: S04.
    let identity' (_: float) : float = 1.0

    /// step(z) = 1 if z ≥ 0 else 0 (S01's convention, 1 at 0). Course: S01, S04.
    let binaryStep (z: float) : float = if z >= 0.0 then 1.0 else 0.0

    /// step′(z) = 0 for z ≠ 0; undefined at 0, where we also return 0. Course: S04.
    let binaryStep' (_: float) : float = 0.0

    /// σ(z) = 1 / (1 + e^(−z)), evaluated so that e^x never overflows (|z| up to 1e308 is
    /// fine): for z &lt; 0 it uses e^z / (1 + e^z). Course: S03, S04.
    let sigmoid (z: float) : float =
        if z >= 0.0 then 1.0 / (1.0 + Math.Exp(-z))
        else
            let e = Math.Exp z
            e / (1.0 + e)

    /// σ′(z) = σ(z)(1 − σ(z)). Course: S04, S09.
    let sigmoid' (z: float) : float =
        let s = sigmoid z
        s * (1.0 - s)

    /// tanh z. Course: S04.
    let tanh (z: float) : float = Math.Tanh z

    /// tanh′(z) = 1 − tanh²(z). Course: S04.
    let tanh' (z: float) : float =
        let t = Math.Tanh z
        1.0 - t * t

    /// arctan z. Course: S04.
    let arctan (z: float) : float = Math.Atan z

    /// arctan′(z) = 1 / (1 + z²). Course: S04.
    let arctan' (z: float) : float = 1.0 / (1.0 + z * z)

    /// ReLU(z) = max(0, z). Course: S04.
    let relu (z: float) : float = if z > 0.0 then z else 0.0

    /// ReLU′(z) = 1 if z &gt; 0 else 0. At the kink z = 0 we choose 0 (slides 000 say 0,
    /// 001/002 say 1; see docs/errata.md). Course: S04.
    let relu' (z: float) : float = if z > 0.0 then 1.0 else 0.0

    /// Leaky ReLU(z) = max(a·z, z) = z if z &gt; 0 else a·z (for 0 ≤ a &lt; 1). Course: S04.
    let leakyRelu (a: float) (z: float) : float = if z > 0.0 then z else a * z

    /// Leaky ReLU′(z) = 1 if z &gt; 0 else a (a at the kink, as ReLU′(0) = 0). Course: S04.
    let leakyRelu' (a: float) (z: float) : float = if z > 0.0 then 1.0 else a

    /// ELU(z) = z if z &gt; 0 else α(e^z − 1). Course: S04 (the slide's "leaky ReLU" formula).
    let elu (alpha: float) (z: float) : float = if z > 0.0 then z else alpha * (Math.Exp z - 1.0)

    /// ELU′(z) = 1 if z &gt; 0 else α·e^z = ELU(z) + α (α at z = 0). Course: S04.
    let elu' (alpha: float) (z: float) : float = if z > 0.0 then 1.0 else alpha * Math.Exp z

    /// SoftPlus(z) = ln(1 + e^z) = max(z, 0) + ln(1 + e^(−|z|)); the stable form never
    /// overflows. Course: S04.
    let softplus (z: float) : float = Math.Max(z, 0.0) + log1p (Math.Exp(-(abs z)))

    /// SoftPlus′(z) = σ(z). Course: S04.
    let softplus' (z: float) : float = sigmoid z

    // ---------------------------------------------------------------- matrix forms

    /// Checks the hyper-parameter of an activation: slopes and alphas must be finite,
    /// a leaky slope must lie in [0, 1) and an ELU alpha must be ≥ 0.
    let validate (paramName: string) (g: Activation) : unit =
        match g with
        | LeakyReLU a when not (Double.IsFinite a) || a < 0.0 || a >= 1.0 ->
            Shape.fail paramName (sprintf "LeakyReLU slope must lie in [0, 1) but is %g." a)
        | PReLU a when not (Double.IsFinite a) -> Shape.fail paramName (sprintf "PReLU alpha must be finite but is %g." a)
        | ELU a when not (Double.IsFinite a) || a < 0.0 ->
            Shape.fail paramName (sprintf "ELU alpha must be a finite number >= 0 but is %g." a)
        | _ -> ()

    /// Row-wise softmax, shifted by the row maximum so that e^x never overflows:
    /// P_ij = e^(Z_ij − max_k Z_ik) / Σ_l e^(Z_il − max_k Z_ik). Rows of P lie in (0, 1) (up to
    /// underflow to 0 for logits more than ~745 below the row max) and sum to 1.
    /// Shapes: Z n×k -> n×k. Course: S04, S22. Checked by: ActivationProperties "S04 / softmax / rows sum to one and lie in (0, 1)", "S04 / softmax / unchanged by adding a constant to a row".
    let softmax (Z: Matrix<float>) : Matrix<float> =
        let E = Mat.map Math.Exp (Mat.subtractFromRows Z (Mat.rowMax Z))
        Mat.divideRows E (Mat.rowSums E)

    /// Row-wise log-softmax, the log of softmax (S04): L_ij = Z_ij − log Σ_l e^(Z_il), computed
    /// stably as L_ij = (Z_ij − m_i) − log Σ_l e^(Z_il − m_i) with m_i = max_k Z_ik
    /// (Mat.logSumExpRows of the shifted rows), so e^x never overflows and no probability is rounded to 0 before its log
    /// is taken (a log-probability of −1000 stays −1000, where log(softmax Z) would give −∞). Every
    /// entry is ≤ 0 and each row of e^L sums to 1. Shapes: Z n×k -> n×k. Course: S04, S22
    /// (PyTorch's LogSoftmax, the input of NLLLoss).
    /// Checked by: ActivationProperties "S04 / log-softmax / equals the log of softmax",
    /// "S04 / log-softmax / exp of each row sums to one and every entry is finite and at most 0",
    /// "S04 / log-softmax / backward is dA − softmax(Z)·rowsum(dA) and equals central differences".
    let logSoftmax (Z: Matrix<float>) : Matrix<float> =
        // Shift first, then subtract log Σ e^(z − m): logSumExpRows of a row whose max is 0 is exactly that
        // log, and (z − m) − log s keeps the digits that z − (m + log s) would cancel when |m| is large.
        let S = Mat.subtractFromRows Z (Mat.rowMax Z)
        Mat.subtractFromRows S (Mat.logSumExpRows S)

    /// Whether g acts entry by entry (every case but Softmax and LogSoftmax).
    let isElementwise (g: Activation) : bool = match g with Softmax | LogSoftmax -> false | _ -> true

    /// The scalar function of an element-wise activation.
    let private scalar (g: Activation) : float -> float =
        match g with
        | Identity -> identity
        | BinaryStep -> binaryStep
        | Sigmoid -> sigmoid
        | Tanh -> tanh
        | Arctan -> arctan
        | ReLU -> relu
        | LeakyReLU a -> leakyRelu a
        | PReLU a -> leakyRelu a
        | ELU a -> elu a
        | SoftPlus -> softplus
        | Softmax -> invalidArg "g" "softmax is not element-wise."
        | LogSoftmax -> invalidArg "g" "log-softmax is not element-wise."

    /// The scalar derivative of an element-wise activation.
    let private scalar' (g: Activation) : float -> float =
        match g with
        | Identity -> identity'
        | BinaryStep -> binaryStep'
        | Sigmoid -> sigmoid'
        | Tanh -> tanh'
        | Arctan -> arctan'
        | ReLU -> relu'
        | LeakyReLU a -> leakyRelu' a
        | PReLU a -> leakyRelu' a
        | ELU a -> elu' a
        | SoftPlus -> softplus'
        | Softmax -> invalidArg "g" "softmax has no element-wise derivative: use Activation.backward."
        | LogSoftmax -> invalidArg "g" "log-softmax has no element-wise derivative: use Activation.backward."

    /// A = g(Z): element-wise for every case but Softmax and LogSoftmax, which are row-wise.
    /// Shapes: Z n×m -> n×m. Course: S04.
    let forward (g: Activation) (Z: Matrix<float>) : Matrix<float> =
        Shape.notNull "Z" Z
        match g with
        | Softmax -> softmax Z
        | LogSoftmax -> logSoftmax Z
        | _ -> Mat.map (scalar g) Z

    /// g′(Z) entry by entry, for the element-wise cases. Softmax has a Jacobian per row, not an
    /// element-wise derivative: asking for one raises ArgumentException (its diagonal
    /// p(1 − p) alone is the slip of slides 000; see docs/errata.md). Course: S04.
    let derivative (g: Activation) (Z: Matrix<float>) : Matrix<float> =
        Shape.notNull "Z" Z
        match g with
        | Softmax -> Shape.fail "g" "softmax has no element-wise derivative (its Jacobian is diag(p) − p·pᵀ per row): use Activation.backward."
        | LogSoftmax -> Shape.fail "g" "log-softmax has no element-wise derivative (its Jacobian is I − 1·pᵀ per row): use Activation.backward."
        | _ -> Mat.map (scalar' g) Z

    /// dZ = dA ⊙ g′(Z) for the element-wise cases. For Softmax, per row i with p = softmax(z_i):
    /// dz_i = J_iᵀ·da_i = p ⊙ (da_i − (da_i·p)), the vector-Jacobian product with
    /// J = diag(p) − p·pᵀ, computed in O(k) per row without building J (S12). For LogSoftmax,
    /// ∂l_j/∂z_k = δ_jk − p_k, so J = I − 1·pᵀ and dz_i = Jᵀ·da_i = da_i − p·(Σ_j da_ij): in matrix
    /// form dZ = dA − softmax(Z) ⊙ (rowsum(dA)·1ᵀ).
    /// Shapes: Z n×m, dA n×m -> dZ n×m. Course: S04, S12, S16 (BP2's ⊙ σ′(z)).
    /// Checked by: ActivationProperties "S04 / activations / backward equals the vector-Jacobian product by central differences, for every activation".
    let backward (g: Activation) (Z: Matrix<float>) (dA: Matrix<float>) : Matrix<float> =
        Shape.same "Z" Z "dA" dA
        match g with
        | Softmax ->
            let P = softmax Z
            // Row i: p ⊙ (da − (da·p)); the dots da_i·p_i for all rows at once are (dA ⊙ P)·1.
            Mat.hadamard P (Mat.subtractFromRows dA (Mat.rowSums (Mat.hadamard dA P)))
        | LogSoftmax ->
            // Row i: da − p·(Σ_j da_j).
            dA - Mat.scaleRows (softmax Z) (Mat.rowSums dA)
        | _ -> Mat.hadamard dA (derivative g Z)

    /// PReLU's gradient with respect to its learned α (one α shared by the layer):
    /// ∂L/∂α = Σ_ij dA_ij · (Z_ij if Z_ij ≤ 0 else 0). Zero for every other activation.
    /// Shapes: Z n×m, dA n×m -> scalar. Course: S04 (PReLU). Checked by: ActivationProperties
    /// "S04 / PReLU / the alpha gradient equals the central difference in alpha", DenseProperties
    /// "S04 / PReLU / the alpha gradient through a dense layer matches central differences".
    let alphaGradient (g: Activation) (Z: Matrix<float>) (dA: Matrix<float>) : float =
        Shape.same "Z" Z "dA" dA
        match g with
        | PReLU _ -> Mat.sum (Mat.map2 (fun z da -> if z <= 0.0 then da * z else 0.0) Z dA)
        | _ -> 0.0

    /// The points where g′ is not defined (so a central difference across them is meaningless):
    /// 0 for the step, ReLU, leaky ReLU and PReLU, and for ELU unless α = 1. Properties keep
    /// generated inputs away from these kinks and test the chosen value at the kink apart.
    let kinks (g: Activation) : float list =
        match g with
        | BinaryStep | ReLU | LeakyReLU _ | PReLU _ -> [ 0.0 ]
        | ELU a when a <> 1.0 -> [ 0.0 ]
        | _ -> []

    /// A readable name for messages and docs.
    let name (g: Activation) : string =
        match g with
        | LeakyReLU a -> sprintf "LeakyReLU(%g)" a
        | PReLU a -> sprintf "PReLU(%g)" a
        | ELU a -> sprintf "ELU(%g)" a
        | other -> sprintf "%A" other

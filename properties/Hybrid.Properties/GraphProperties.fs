/// Laws of the scalar gate engine (S06-S11): on random expression graphs, trees and DAGs with
/// shared nodes, every input's gradient equals its central-difference derivative; and the flow
/// patterns of S10 (add distributes, max routes, multiply swaps, branches sum).
module Hybrid.Properties.GraphProperties

open System
open FsCheck
open FsCheck.FSharp
open Hybrid.Core
open Hybrid.Properties.Generators

/// The gates a random expression may use.
type GateOp =
    | Add
    | Sub
    | Mul
    | Div
    | Neg
    | Recip
    | Exp
    | Log
    | Pow of float
    | Max
    | Relu
    | Sigmoid
    | Tanh
    | AddConst of float
    | MulConst of float

/// One gate of a program: op applied to the nodes at indices A and B of the pool (B unused by
/// unary gates). The pool starts with the inputs; each gate appends its output.
type Instruction = { Op: GateOp; A: int; B: int }

/// A random expression: input values, gates, and the pool indices whose sum is the root.
type Expression =
    { Inputs: float[]
      Gates: Instruction[]
      Outputs: int[]
      /// Whether a node may feed several gates (a DAG) or at most one (a tree).
      Shared: bool }

let private isUnary op =
    match op with
    | Neg | Recip | Exp | Log | Pow _ | Relu | Sigmoid | Tanh | AddConst _ | MulConst _ -> true
    | Add | Sub | Mul | Div | Max -> false

/// The gate as an engine call.
let private apply (op: GateOp) (a: Node) (b: Node) : Node =
    match op with
    | Add -> a + b
    | Sub -> a - b
    | Mul -> a * b
    | Div -> a / b
    | Neg -> -a
    | Recip -> Graph.reciprocal a
    | Exp -> Graph.exp a
    | Log -> Graph.log a
    | Pow p -> Graph.pow a p
    | Max -> Graph.max a b
    | Relu -> Graph.relu a
    | Sigmoid -> Graph.sigmoid a
    | Tanh -> Graph.tanh a
    | AddConst c -> a + c
    | MulConst c -> c * a

/// Whether the gate is well conditioned at (a, b), so that a central difference with
/// h = Tolerance.h measures its derivative:
/// - max and ReLU have a kink where a = b (a = 0): we keep |a − b| (|a|) ≥ 0.05, far beyond the
///   ~h·|gradient| ≲ 1e-3 that a perturbation of an input moves them;
/// - 1/a, a/b, ln a and non-integer powers have a singularity at 0 (ln and √ are undefined
///   below): we keep the argument ≥ 0.5 in size (ln, √: ≥ 0.5), so their derivatives stay ≤ 4
///   in size and their third derivatives (the O(h²) error) ≤ 100;
/// - e^a is kept to |a| ≤ 3 and every value to |v| ≤ 20, so products and exponentials do not
///   grow gradients beyond the range where the 1e-5 relative tolerance has margin;
/// - e^a, σ and tanh are kept out of saturation (|a| ≤ 3, 4, 4): a saturated gate passes a
///   gradient of 1e-7..1e-17, below the central difference's rounding noise ε·|f|/h ≈ 2e-11·|f|
///   relative to it (the first version of this generator failed exactly there: analytic
///   3.36854e-07, numerical 3.36842e-07).
let private wellConditioned (op: GateOp) (a: float) (b: float) : bool =
    let ok =
        match op with
        | Div -> abs b >= 0.5
        | Recip -> abs a >= 0.5
        | Log -> a >= 0.5
        | Exp -> abs a <= 3.0
        | Sigmoid | Tanh -> abs a <= 4.0
        | Pow p when p <> Math.Round p -> a >= 0.5
        | Pow p when p < 0.0 -> abs a >= 0.5
        | Max -> abs (a - b) >= 0.05
        | Relu -> abs a >= 0.05
        | _ -> true
    ok && abs ((apply op (Graph.constant a) (Graph.constant b)).Data) <= 20.0

let private opGen : Gen<GateOp> =
    Gen.oneof [
        Gen.elements [ Add; Sub; Mul; Div; Neg; Recip; Exp; Log; Max; Relu; Sigmoid; Tanh ]
        Gen.elements [ Pow 2.0; Pow 3.0; Pow 0.5; Pow 1.5; Pow -1.0 ]
        floatIn -2.0 2.0 |> Gen.map AddConst
        floatIn -2.0 2.0 |> Gen.map MulConst ]

/// Grows `count` gates over the pool. In a DAG operands are drawn from the whole pool (with
/// repeats: a·a, and nodes reused by later gates); in a tree from the nodes not yet consumed.
/// A gate that is not well conditioned at the current values is replaced by tanh of its first
/// operand's negation (smooth, same size), so no case is rejected.
let rec private grow (shared: bool) (count: int) (pool: float list) (free: int list) (acc: Instruction list) : Gen<float list * int list * Instruction list> =
    if count = 0 then Gen.constant (pool, free, List.rev acc)
    else
        gen {
            let values = List.toArray pool
            let! op = opGen
            let! a = if shared then Gen.choose (0, values.Length - 1) else Gen.elements free
            let others = free |> List.filter (fun i -> i <> a)
            let op = if not shared && not (isUnary op) && others.IsEmpty then Neg else op
            let! b = if shared then Gen.choose (0, values.Length - 1) elif isUnary op then Gen.constant a else Gen.elements others
            let op = if wellConditioned op values.[a] values.[b] then op else Neg
            let b = if isUnary op then a else b
            let v = (apply op (Graph.constant values.[a]) (Graph.constant values.[b])).Data
            let index = values.Length
            let free = index :: (free |> List.filter (fun i -> i <> a && i <> b))
            return! grow shared (count - 1) (pool @ [ v ]) free ({ Op = op; A = a; B = b } :: acc)
        }

/// Random expressions with 1..4 inputs in [−2, 2] and 1..25 gates; `shared` chooses DAG or tree.
let private expression (shared: bool) : Gen<Expression> =
    gen {
        let! k = dim 4
        let! inputs = Gen.arrayOfLength k (floatIn -2.0 2.0)
        let! m = dim 25
        let! _, free, gates = grow shared m (List.ofArray inputs) [ 0 .. k - 1 ] []
        // A DAG's root is its last gate; a tree's root sums the subtrees left unconsumed, so that
        // every input reaches it exactly once.
        let outputs = if shared then [| k + m - 1 |] else List.toArray free
        return { Inputs = inputs; Gates = List.toArray gates; Outputs = outputs; Shared = shared }
    }

/// Builds the expression's graph on the given leaves and returns its root.
let private build (e: Expression) (leaves: Node[]) : Node =
    let pool = ResizeArray<Node>(leaves)
    for g in e.Gates do
        pool.Add(apply g.Op pool.[g.A] pool.[g.B])
    e.Outputs |> Array.map (fun i -> pool.[i]) |> Array.reduce (+)

/// The absolute noise floor of a central difference on these expressions. Tolerance.expectGradient
/// compares near-zero entries at an absolute scale of gradient·tiny = 1e-12, but each evaluation
/// of a 25-gate expression carries a rounding error of up to ~25·ε·|v|max ≈ 1e-13 (|v| ≤ 20), which
/// the division by 2h = 2e-5 turns into ~1e-8 of noise on the numerical derivative. Measured while
/// building this property: a DAG where an input's two paths cancel exactly (analytic 0, numerical
/// −1.1e-11) and a tree through x³ at x = −0.09 (analytic 1.74967e-7, numerical 1.74960e-7). So an
/// entry passes when |a − n| ≤ Tolerance.gradient·max(|a|, |n|) + 1e-8; a wrong local derivative
/// (a dropped factor or sign) misses by the size of the gradient itself, ≳ 1e-3 here.
let private noiseFloor = 1e-8

/// Every input's gradient after backward equals the central difference of the root's value,
/// Richardson-extrapolated: n = (4·D(h) − D(2h))/3 with D the central difference. D(h) alone
/// carries a truncation error of h²·f‴/6, and 25 gates of reciprocals, cubes and exponentials reach
/// f‴ of 10⁴ and more: a chain through x⁻¹, x³ and eˣ gave analytic 0.0200830879 against
/// D(h) = 0.0200835066 (relative 2e-5, in about one run in ten of the whole suite). The
/// extrapolation cancels the h² term (its error is O(h⁴)) and multiplies the rounding noise by
/// 5/3, which the noise floor below still covers.
let private gradientsMatch (e: Expression) : unit =
    let leaves = Array.map Graph.input e.Inputs
    let root = build e leaves
    Graph.backward root
    let at i v = build e (e.Inputs |> Array.mapi (fun j x -> Graph.input (if i = j then v else x)))
    for i in 0 .. leaves.Length - 1 do
        let a = leaves.[i].Grad
        let central h = Numerical.derivative h (fun v -> (at i v).Data) e.Inputs.[i]
        let n = (4.0 * central Tolerance.h - central (2.0 * Tolerance.h)) / 3.0
        // The expression is printed only on failure (formatting it with %A for every case is slow).
        if not (abs (a - n) <= Tolerance.gradient * max (abs a) (abs n) + noiseFloor) then
            failwithf "input %d: analytic %.10g, numerical %.10g\n%A" i a n e

let private law1 =
    Spec.property "S07 / expression trees / every gradient equals the central difference (S07-S09)" (expression false) gradientsMatch

let private law2 =
    Spec.property "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)" (expression true) gradientsMatch

let private law3 =
    Spec.property "S11 / backward / twice gives the same gradients on random DAGs" (expression true) (fun e ->
        let leaves = Array.map Graph.input e.Inputs
        let root = build e leaves
        Graph.backward root
        let first = leaves |> Array.map (fun n -> n.Grad)
        Graph.backward root
        first = (leaves |> Array.map (fun n -> n.Grad)))

/// Two inputs and an upstream gradient g, injected as the root (gate · g).
let private pair =
    gen {
        let! a = floatIn -5.0 5.0
        let! b = floatIn -5.0 5.0 |> Gen.filter (fun b -> b <> a)
        let! g = floatIn -3.0 3.0
        return a, b, g
    }

/// Backward on (gate a b)·g and returns (∂/∂a, ∂/∂b).
let private flow (gate: Node -> Node -> Node) (a: float, b: float, g: float) =
    let x, y = Graph.input a, Graph.input b
    Graph.backward (gate x y * g)
    x.Grad, y.Grad

let private law4 =
    Spec.property "S10 / flow / add distributes the upstream gradient to both inputs unchanged" pair (fun (a, b, g) -> flow Graph.add (a, b, g) = (g, g))

let private law5 =
    Spec.property "S10 / flow / max routes the upstream gradient to the larger input only" pair (fun (a, b, g) -> flow Graph.max (a, b, g) = (if a > b then (g, 0.0) else (0.0, g)))

let private law6 =
    Spec.property "S10 / flow / multiply swaps: each input gets the other input times the upstream gradient" pair (fun (a, b, g) -> flow Graph.mul (a, b, g) = (b * g, a * g))

let private law7 =
    // a feeds two gates, a·b and a + b: ∂/∂a = b + 1 and ∂/∂b = a + 1, exactly.
    Spec.property "S10 / flow / gradients arriving on branches are summed" pair (fun (a, b, _) -> flow (fun x y -> x * y + (x + y)) (a, b, 1.0) = (b + 1.0, a + 1.0))

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list =
    [ law1
      law2
      law3
      law4
      law5
      law6
      law7 ]

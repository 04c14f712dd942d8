/// Laws of the activation functions (S04, S05, S12), quantified over every activation case.
module Hybrid.Properties.ActivationProperties

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Hybrid.Core
open Hybrid.Properties.Generators

/// An activation drawn from `activations`, a pre-activation Z kept ≥ 1e-3 from the activation's
/// kinks (so a central difference with h = 1e-5 never straddles one: the kink values are tested
/// apart), and a random upstream gradient dA of Z's shape.
let private caseOf (activations: Gen<Activation>) =
    gen {
        let! g = activations
        let! n = dim 5
        let! m = dim 6
        let! Z = matrixOf (awayFrom (Activation.kinks g) 1e-3 4.0) n m
        let! dA = matrix 1.0 n m
        return g, Z, dA
    }

/// Every activation case.
let private caseGen = caseOf activation

/// The element-wise activations only (all but softmax, whose derivative is a Jacobian per row:
/// the backward law covers it), so the derivative law checks every case it draws.
let private elementwiseCase = caseOf (activation |> Gen.filter Activation.isElementwise)

let private law1 =
    Spec.property "S04 / activations / backward equals the vector-Jacobian product by central differences, for every activation" caseGen (fun (g, Z, dA) ->
        let analytic = Activation.backward g Z dA
        let numerical = Numerical.vjp Tolerance.h (Activation.forward g) Z dA
        Tolerance.expectGradient (Activation.name g) analytic numerical)

let private law2 =
    Spec.property "S04 / activations / each element-wise derivative equals the central difference of its function" elementwiseCase (fun (g, Z, _) ->
        let analytic = Activation.derivative g Z
        let numerical = Mat.map (Numerical.derivative Tolerance.h (fun z -> (Activation.forward g (Mat.constant 1 1 z)).[0, 0])) Z
        Tolerance.expectGradient (Activation.name g) analytic numerical)

let private law3 =
    Spec.property "S04 / PReLU / the alpha gradient equals the central difference in alpha" caseGen (fun (_, Z, dA) ->
        let alpha = 0.2
        let loss a = Mat.sum (Mat.hadamard dA (Activation.forward (PReLU a) Z))
        let analytic = Activation.alphaGradient (PReLU alpha) Z dA
        let numerical = Numerical.derivative Tolerance.h loss alpha
        Tolerance.expectGradient "PReLU alpha" (Mat.constant 1 1 analytic) (Mat.constant 1 1 numerical))

let private logits =
    gen {
        let! n = dim 6
        let! k = dim 8
        let! Z = matrix 15.0 n k
        let! c = floatIn -1000.0 1000.0
        return Z, c
    }

let private law4 =
    Spec.property "S04 / softmax / rows sum to one and lie in (0, 1)" logits (fun (Z, _) ->
        let P = Activation.softmax Z
        // Logits within ±15 keep every e^(z − max) ≥ e^-30 ≈ 9e-14, well above ε ≈ 2.2e-16, so in
        // float64 no entry rounds to 0 and none to 1 (unless the row has a single column). Wider
        // logits are exact-math (0, 1) but may round to 0 or 1: the finiteness law covers them.
        Seq.forall (fun i -> abs (P.Row(i).Sum() - 1.0) <= 1e-12) [ 0 .. P.RowCount - 1 ]
        && P.Enumerate() |> Seq.forall (fun p -> p > 0.0 && (p < 1.0 || P.ColumnCount = 1)))

let private law5 =
    Spec.property "S04 / softmax / unchanged by adding a constant to a row" logits (fun (Z, c) ->
        let P = Activation.softmax Z
        let Q = Activation.softmax (Mat.map (fun z -> z + c) Z)
        // The shift changes the rounding of z − max by at most ~|c|·ε ≈ 2e-13 in the exponent.
        Seq.forall2 (fun (p: float) q -> abs (p - q) <= 1e-11) (P.Enumerate()) (Q.Enumerate()))

let private law6 =
    let extreme =
        gen {
            let! g = activation
            let! Z = matrixOf (Gen.elements [ -1000.0; -745.0; -100.0; -1e-300; 0.0; 1e-300; 100.0; 709.0; 710.0; 1000.0 ]) 2 3
            return g, Z
        }
    Spec.property "S04 / activations / values, derivatives and backward stay finite for inputs up to ±1e3" extreme (fun (g, Z) ->
        Mat.isFinite (Activation.forward g Z)
        && Mat.isFinite (Activation.backward g Z (Mat.constant 2 3 1.0))
        && (not (Activation.isElementwise g) || Mat.isFinite (Activation.derivative g Z)))

let private law7 =
    let stack =
        gen {
            let! n, a, b, c = Gen.zip (dim 4) (Gen.zip3 (dim 4) (dim 4) (dim 4)) |> Gen.map (fun (n, (a, b, c)) -> n, a, b, c)
            let! X = matrix 2.0 n a
            let! W1 = matrix 2.0 a b
            let! W2 = matrix 2.0 b c
            return X, W1, W2
        }
    Spec.property "S05 / linear layers / two stacked identity layers equal one linear layer" stack (fun (X, W1, W2) ->
        let layered = Activation.forward Identity (Activation.forward Identity (X * W1) * W2)
        Tolerance.expectClose "S05" 1e-12 (X * (W1 * W2)) layered)

let private law8 =
    Spec.example "S04 / activations / the derivative at the kinks is the stated choice" (fun () ->
        let at0 g = (Activation.derivative g (Mat.zeros 1 1)).[0, 0]
        Expect.equal (at0 ReLU) 0.0 "ReLU′(0)"
        Expect.equal (at0 (LeakyReLU 0.1)) 0.1 "leaky ReLU′(0)"
        Expect.equal (at0 (PReLU 0.25)) 0.25 "PReLU′(0)"
        Expect.equal (at0 (ELU 0.5)) 0.5 "ELU′(0)"
        Expect.equal (at0 BinaryStep) 0.0 "step′(0)"
        Expect.equal (Activation.forward BinaryStep (Mat.zeros 1 1)).[0, 0] 1.0 "step(0)")

let private law9 =
    Spec.property "S04 / log-softmax / equals the log of softmax" logits (fun (Z, _) ->
        // Logits within ±15 keep softmax ≥ e^-30/k > 0, so its log is finite and comparable.
        Tolerance.expectClose "log-softmax" Tolerance.logSoftmax (Mat.map Math.Log (Activation.softmax Z)) (Activation.logSoftmax Z))

/// Logits Z (up to 6×8) with entries in [−r, r] and an upstream gradient dA of Z's shape.
let private logitsAndGradient (r: float) =
    gen {
        let! n = dim 6
        let! k = dim 8
        let! Z = matrix r n k
        let! dA = matrix 1.0 n k
        return Z, dA
    }

let private law10 =
    Spec.property "S04 / log-softmax / exp of each row sums to one and every entry is finite and at most 0" (logitsAndGradient 1000.0) (fun (Z, _) ->
        // Logits up to ±1000: softmax underflows to 0 there, log-softmax stays finite (the shift by
        // the row max). The row max's entry is e^0 = 1 after the shift, so Σ e^l ≥ 1·e^(−log s) and
        // the sum is s/s up to k roundings: 1e-12 covers k ≤ 8.
        let L = Activation.logSoftmax Z
        Mat.isFinite L
        && L.Enumerate() |> Seq.forall (fun l -> l <= 0.0)
        && Seq.forall (fun i -> abs ((Mat.map Math.Exp L).Row(i).Sum() - 1.0) <= 1e-12) [ 0 .. L.RowCount - 1 ])

let private law11 =
    Spec.property "S04 / log-softmax / backward is dA − softmax(Z)·rowsum(dA) and equals central differences" (logitsAndGradient 15.0) (fun (Z, dA) ->
        let analytic = Activation.backward LogSoftmax Z dA
        // The formula built apart: row i is da_i − p_i·(Σ_j da_ij), with p from softmax.
        let P = Activation.softmax Z
        let formula = Mat.init Z.RowCount Z.ColumnCount (fun i j -> dA.[i, j] - P.[i, j] * dA.Row(i).Sum())
        Tolerance.expectClose "log-softmax backward formula" Tolerance.rounding formula analytic
        // The numerical side differentiates f = Σ dA ⊙ logSoftmax(Z) over the whole matrix: with |Z| ≤ 15
        // its entries reach −32, |f| reaches ~10³, and the central difference's rounding noise ε·|f|/h
        // reaches ~2e-8, so an entry whose derivative is e^−20-small reads 0 (seen: analytic −1.2e-9,
        // numerical 0, beyond Tolerance.tiny's absolute 1e-9). Entries below 1e-2 are compared
        // absolutely at 1e-2·Tolerance.gradient = 1e-7; every row holds an entry of softmax ≥ 1/7, where a
        // wrong term still shows at 1e-5 relative.
        let c = Numerical.check 1e-2 analytic (Numerical.vjp Tolerance.h Activation.logSoftmax Z dA)
        if not (c.MaxRelativeError <= Tolerance.gradient) then
            failwithf "log-softmax: analytic and numerical gradients differ: relative error %g at (%d, %d): analytic %g, numerical %g."
                c.MaxRelativeError c.Row c.Column c.Analytic c.Numerical)

/// The scalar pair (g, g′) of each element-wise case, written here from the definitions' names
/// (Activation.sigmoid, …), apart from the registry and its kernels.
let private scalarPair (g: Activation) : (float -> float) * (float -> float) =
    match g with
    | Identity -> Activation.identity, Activation.identity'
    | BinaryStep -> Activation.binaryStep, Activation.binaryStep'
    | Sigmoid -> Activation.sigmoid, Activation.sigmoid'
    | Tanh -> Activation.tanh, Activation.tanh'
    | Arctan -> Activation.arctan, Activation.arctan'
    | ReLU -> Activation.relu, Activation.relu'
    | LeakyReLU a | PReLU a -> Activation.leakyRelu a, Activation.leakyRelu' a
    | ELU a -> Activation.elu a, Activation.elu' a
    | SoftPlus -> Activation.softplus, Activation.softplus'
    | Swish -> Activation.swish, Activation.swish'
    | Softmax | LogSoftmax -> invalidArg "g" "not element-wise"
    | UserActivation c -> invalidArg "g" (sprintf "%s is a user's: its laws are Verification's." c.Name)

let private law12 =
    // Rows of up to 40 entries: longer than Vector<float>.Count, so the lane-wise select of the ReLU
    // family runs as well as its scalar tail. Bit for bit: the kernels must apply the definitions, not
    // another formula (0.0 and −0.0 compare equal, as the definitions allow either at the kink).
    let case =
        gen {
            let! g = activation |> Gen.filter Activation.isElementwise
            let! n = dim 3
            let! m = dim 40
            let! Z = matrix 6.0 n m
            let! dA = matrix 1.0 n m
            return g, Z, dA
        }
    Spec.property "S04 / activations / the registry's kernel equals the scalar definitions entry for entry, lanes and tail, bit for bit" case (fun (g, Z, dA) ->
        let value, slope = scalarPair g
        let A = Activation.forward g Z
        let dZ = Activation.backward g Z dA
        for i in 0 .. Z.RowCount - 1 do
            for j in 0 .. Z.ColumnCount - 1 do
                Expect.equal A.[i, j] (value Z.[i, j]) (sprintf "%s(%g)" (Activation.name g) Z.[i, j])
                Expect.equal dZ.[i, j] (dA.[i, j] * slope Z.[i, j]) (sprintf "%s′(%g)·%g" (Activation.name g) Z.[i, j] dA.[i, j]))

let private law13 =
    Spec.example "S04 / registry / the activation generator draws every entry of Activation.all, its parameter in the law range" (fun () ->
        let drawn = Gen.sampleWithSize 100 2000 activation
        for e in Activation.all do
            let ofEntry = drawn |> Array.filter (fun g -> Activation.caseName g = e.Case)
            Expect.isNonEmpty ofEntry (sprintf "the generator never drew %s" e.Case)
            for g in ofEntry do
                Expect.equal (Activation.entry g).Case e.Case (sprintf "%s's entry" (Activation.name g))
                match e.Parameter, Activation.parameter g with
                | Some p, Some a -> Expect.isTrue (a >= fst p.LawRange && a <= snd p.LawRange) (sprintf "%s outside the law range" (Activation.name g))
                | None, None -> ()
                | Some _, None | None, Some _ -> failwithf "%s: parameter does not match its entry" (Activation.name g))

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list =
    [ law1
      law2
      law3
      law4
      law5
      law6
      law7
      law8
      law9
      law10
      law11
      law12
      law13 ]

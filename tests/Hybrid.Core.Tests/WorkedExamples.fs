/// The course's worked numbers, reproduced by the core. Each test names its course ID.
module Hybrid.Core.Tests.WorkedExamples

open System
open Xunit
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core

let private m (rows: float list list) = Mat.ofRows (rows |> List.map Array.ofList |> Array.ofList)
let private near (tol: float) (expected: float) (actual: float) =
    Assert.True(abs (expected - actual) <= tol, sprintf "expected %.10g ± %g, got %.10g" expected tol actual)

[<Fact>]
let ``S04 softmax of [0.1, 1.3, 2.5] is [0.07, 0.22, 0.72]`` () =
    let p = Activation.softmax (m [ [ 0.1; 1.3; 2.5 ] ])
    near 0.005 0.07 p.[0, 0]
    near 0.005 0.22 p.[0, 1]
    near 0.005 0.72 p.[0, 2]
    near 1e-15 1.0 (p.Row(0).Sum())

[<Fact>]
let ``S04 softmax derivative is the full Jacobian, not only p(1 - p)`` () =
    // With da = e_0 the vector-Jacobian product is row 0 of J = diag(p) − p·pᵀ:
    // [p0(1 − p0), −p0·p1, −p0·p2]; the diagonal-only slip would give [p0(1 − p0), 0, 0].
    // p = e^z/Σe^z = [0.06517505598226614, 0.21638880630702367, 0.7184361377107102] (computed
    // apart from the library, with Python's math.exp), so row 0 of J is
    // [p0(1 − p0), −p0·p1, −p0·p2] = [0.060927268059974615, −0.014103152564996013, −0.046824115494978606].
    let Z = m [ [ 0.1; 1.3; 2.5 ] ]
    let dZ = Activation.backward Softmax Z (m [ [ 1.0; 0.0; 0.0 ] ])
    near 1e-15 0.060927268059974615 dZ.[0, 0]
    near 1e-15 -0.014103152564996013 dZ.[0, 1]
    near 1e-15 -0.046824115494978606 dZ.[0, 2]
    Assert.Throws<ArgumentException>(fun () -> Activation.derivative Softmax Z |> ignore) |> ignore

[<Fact>]
let ``S04 each activation at chosen points, with its derivative`` () =
    near 1e-15 0.5 (Activation.sigmoid 0.0)
    near 1e-15 0.25 (Activation.sigmoid' 0.0)
    near 1e-12 (1.0 / (1.0 + exp -2.0)) (Activation.sigmoid 2.0)
    // tanh z = (e^2z − 1)/(e^2z + 1), so tanh 0.5 = (e − 1)/(e + 1) and tanh′(0.5) = 1 − tanh² 0.5 =
    // 4e/(e + 1)²; in 40-digit decimal arithmetic, apart from the library: 0.46211715726000975850…
    // and 0.78644773296592741014…. arctan 2 = 1.10714871779409050301… (30-digit mpmath).
    // Tolerance 1e-15: the values are O(1), their ulp ≤ 2.2e-16; the library's functions and the
    // exponential formula (five rounded operations) are each within a few ulps of the exact value.
    near 1e-15 0.46211715726000976 (Activation.tanh 0.5)
    near 1e-15 ((exp 1.0 - 1.0) / (exp 1.0 + 1.0)) (Activation.tanh 0.5)
    near 1e-15 0.78644773296592741 (Activation.tanh' 0.5)
    near 1e-15 (4.0 * exp 1.0 / ((exp 1.0 + 1.0) * (exp 1.0 + 1.0))) (Activation.tanh' 0.5)
    near 1e-15 1.1071487177940905 (Activation.arctan 2.0)
    near 1e-15 0.2 (Activation.arctan' 2.0)
    near 0.0 3.0 (Activation.relu 3.0)
    near 0.0 0.0 (Activation.relu -3.0)
    near 1e-15 -0.03 (Activation.leakyRelu 0.01 -3.0)
    near 1e-15 (0.5 * (exp -1.0 - 1.0)) (Activation.elu 0.5 -1.0)
    // S04: ELU′ = f(x) + a = a·e^x for x < 0: 0.5·e^−1 = 0.18393972058572117 (computed apart).
    near 1e-15 0.18393972058572117 (Activation.elu' 0.5 -1.0)
    near 1e-15 (log 2.0) (Activation.softplus 0.0)
    // S04: SoftPlus′ = sigmoid: 1/(1 + e^−1.3) = 0.7858349830425586 (computed apart).
    near 1e-15 0.7858349830425586 (Activation.softplus' 1.3)
    near 0.0 1.0 (Activation.binaryStep 0.0)
    near 0.0 0.0 (Activation.binaryStep -1e-9)

[<Fact>]
let ``S04 sigmoid and softplus do not overflow at +-1e3`` () =
    Assert.Equal(1.0, Activation.sigmoid 1000.0)
    Assert.Equal(0.0, Activation.sigmoid -1000.0)
    Assert.Equal(1000.0, Activation.softplus 1000.0)
    Assert.Equal(0.0, Activation.softplus -1000.0)
    Assert.Equal(0.0, Activation.sigmoid' 1000.0)

[<Fact>]
let ``S04 maxout of two pieces is max(w1.x + b1, w2.x + b2)`` () =
    let layer = Maxout.create [| m [ [ 1.0 ]; [ 2.0 ] ]; m [ [ -1.0 ]; [ 0.5 ] ] |] [| m [ [ 0.0 ] ]; m [ [ 1.0 ] ] |]
    let A, _ = Maxout.forward layer (m [ [ 1.0; 1.0 ]; [ -2.0; 0.0 ] ])
    near 0.0 3.0 A.[0, 0] // max(1 + 2, −1 + 0.5 + 1) = 3
    near 0.0 3.0 A.[1, 0] // max(−2, 2 + 1) = 3

[<Fact>]
let ``S05 two identity layers collapse to one linear map`` () =
    let W1, W2 = m [ [ 1.0; 2.0 ]; [ 3.0; 4.0 ] ], m [ [ 0.5 ]; [ -1.0 ] ]
    let net = Network.create [ DenseLayer(Dense.create W1 (Mat.zeros 1 2) Identity); DenseLayer(Dense.create W2 (Mat.zeros 1 1) Identity) ]
    let X = m [ [ 1.0; -1.0 ]; [ 2.0; 0.5 ] ]
    Assert.True((Network.forward net X).Equals(X * (W1 * W2)))

[<Fact>]
let ``S06 numerical derivative of x^2 is 2x and of xy is y`` () =
    near 1e-8 6.0 (Numerical.derivative 1e-5 (fun x -> x * x) 3.0)
    near 1e-8 -4.0 (Numerical.derivative 1e-5 (fun x -> x * -4.0) 7.0)

[<Fact>]
let ``S13 shapes: X 3x10 and W 10x5 give Y 3x5, and dW, db, dX have the shapes of W, b, X`` () =
    let X = Mat.init 3 10 (fun i j -> float (i + j) / 10.0)
    let layer = Dense.create (Mat.init 10 5 (fun i j -> float (i - j) / 20.0)) (Mat.zeros 1 5) Identity
    let Y, cache = Dense.forward layer X
    Assert.Equal((3, 5), (Y.RowCount, Y.ColumnCount))
    let g = Dense.backward layer cache (Mat.constant 3 5 1.0)
    Assert.Equal((10, 5), (g.dW.RowCount, g.dW.ColumnCount))
    Assert.Equal((1, 5), (g.dB.RowCount, g.dB.ColumnCount))
    Assert.Equal((3, 10), (g.dX.RowCount, g.dX.ColumnCount))
    // S13 in the slides' convention: dW_slides = dYᵀ·X (5×10) is our dW transposed.
    Assert.True(g.dW.Transpose().Equals((Mat.constant 3 5 1.0).TransposeThisAndMultiply X))

[<Fact>]
let ``S14 the 3-4-4-1 network has 41 trainable parameters`` () =
    let net = Network.dense 1 XavierNormal 3 [ 4, ReLU; 4, ReLU; 1, Sigmoid ]
    Assert.Equal(41, Network.parameterCount net)
    Assert.Equal(41, (Network.toVector net).Length)

/// S15's two-layer MLP on one example, by hand: X = [1, 2], W1 = [[0.1, 0.2], [0.3, −0.4]],
/// b1 = 0, ReLU; W2 = [0.5, −0.5]ᵀ, b2 = 0.1, sigmoid output, BCE, y = 1.
[<Fact>]
let ``S15 two-layer MLP gradients equal the hand-derived ones`` () =
    let X, Y = m [ [ 1.0; 2.0 ] ], m [ [ 1.0 ] ]
    let net =
        Network.create [ DenseLayer(Dense.create (m [ [ 0.1; 0.2 ]; [ 0.3; -0.4 ] ]) (m [ [ 0.0; 0.0 ] ]) ReLU)
                         DenseLayer(Dense.create (m [ [ 0.5 ]; [ -0.5 ] ]) (m [ [ 0.1 ] ]) Sigmoid) ]
    // Z1 = [1·0.1 + 2·0.3, 1·0.2 + 2·(−0.4)] = [0.7, −0.6]; A1 = ReLU(Z1) = [0.7, 0]
    // Z2 = 0.7·0.5 + 0·(−0.5) + 0.1 = 0.45; ŷ = σ(0.45)
    let yhat = 1.0 / (1.0 + exp -0.45)
    let dZ2 = yhat - 1.0 // S15/S21: dZ2 = ŷ − y
    let J, grads = Network.lossAndGradient BinaryCrossEntropy net X Y
    near 1e-15 (-log yhat) J
    match grads with
    | [ dW1; db1; dW2; db2 ] ->
        // dW2 = A1ᵀ·dZ2, db2 = dZ2
        near 1e-15 (0.7 * dZ2) dW2.[0, 0]
        near 0.0 0.0 dW2.[1, 0]
        near 1e-15 dZ2 db2.[0, 0]
        // dA1 = dZ2·W2ᵀ = [0.5·dZ2, −0.5·dZ2]; dZ1 = dA1 ⊙ ReLU′(Z1) = [0.5·dZ2, 0]
        // dW1 = Xᵀ·dZ1 = [[0.5·dZ2, 0], [1.0·dZ2, 0]], db1 = dZ1
        near 1e-15 (0.5 * dZ2) dW1.[0, 0]
        near 1e-15 (1.0 * dZ2) dW1.[1, 0]
        near 0.0 0.0 dW1.[0, 1]
        near 0.0 0.0 dW1.[1, 1]
        near 1e-15 (0.5 * dZ2) db1.[0, 0]
        near 0.0 0.0 db1.[0, 1]
    | other -> failwithf "expected 4 gradients, got %d" other.Length

/// S17: the M-3-2-1 network of slides 001 (ReLU, ReLU, sigmoid, negative log-likelihood), with
/// M = 2. A first-layer weight w[1]_11 reaches the output through both second-layer units: its
/// gradient is the sum of the two paths' products.
[<Fact>]
let ``S17 a first-layer weight reaching the output by two paths gets the sum of both`` () =
    let W1 = m [ [ 0.5; -0.3; 0.8 ]; [ 0.2; 0.4; -0.6 ] ]
    let W2 = m [ [ 0.7; -0.2 ]; [ 0.1; 0.9 ]; [ -0.5; 0.3 ] ]
    let W3 = m [ [ 1.2 ]; [ -0.8 ] ]
    let b1, b2, b3 = m [ [ 0.1; 0.1; 0.1 ] ], m [ [ 0.05; 0.2 ] ], m [ [ -0.1 ] ]
    let net = Network.create [ DenseLayer(Dense.create W1 b1 ReLU); DenseLayer(Dense.create W2 b2 ReLU); DenseLayer(Dense.create W3 b3 Sigmoid) ]
    Assert.Equal(2 * 3 + 3 + 3 * 2 + 2 + 2 + 1, Network.parameterCount net)
    let x, y = [| 1.0; 0.5 |], 1.0
    let z1 = Array.init 3 (fun j -> x.[0] * W1.[0, j] + x.[1] * W1.[1, j] + b1.[0, j])
    let a1 = z1 |> Array.map (max 0.0)
    let z2 = Array.init 2 (fun k -> Array.sum (Array.init 3 (fun j -> a1.[j] * W2.[j, k])) + b2.[0, k])
    let a2 = z2 |> Array.map (max 0.0)
    let z3 = a2.[0] * W3.[0, 0] + a2.[1] * W3.[1, 0] + b3.[0, 0]
    let yhat = 1.0 / (1.0 + exp -z3)
    let dz3 = yhat - y
    let relu' z = if z > 0.0 then 1.0 else 0.0
    // ∂L/∂w[1]_11 = Σ_k dz3·W3_k·ReLU′(z2_k)·W2_1k·ReLU′(z1_1)·x_1: the two paths through k = 1, 2.
    let path k = dz3 * W3.[k, 0] * relu' z2.[k] * W2.[0, k] * relu' z1.[0] * x.[0]
    Assert.True(abs (path 0) > 0.0 && abs (path 1) > 0.0, "both paths must be active in this example")
    let _, grads = Network.lossAndGradient BinaryCrossEntropy net (Mat.row x) (m [ [ y ] ])
    near 1e-15 (path 0 + path 1) grads.[0].[0, 0]

[<Fact>]
let ``S19 MAE and its gradient sign(yhat - y)/N`` () =
    let Yhat, Y = m [ [ 1.0 ]; [ 4.0 ] ], m [ [ 3.0 ]; [ 1.0 ] ]
    near 1e-15 2.5 (Loss.mae Yhat Y) // (2 + 3)/2
    Assert.True((Loss.mae' Yhat Y).Equals(m [ [ -0.5 ]; [ 0.5 ] ]))

[<Fact>]
let ``S20 MSE is 1/(2N) sum of squares; the 1/N form is 2J and the plain sum is 2NJ`` () =
    let Yhat, Y = m [ [ 1.0; 2.0 ]; [ 4.0; 0.0 ] ], m [ [ 3.0; 2.0 ]; [ 1.0; 1.0 ] ]
    // squared errors: 4, 0, 9, 1 -> sum 14, N = 2
    near 1e-15 3.5 (Loss.mse Yhat Y)
    near 1e-15 14.0 (Loss.sumOfSquares Yhat Y)
    near 1e-15 (2.0 * 2.0 * Loss.mse Yhat Y) (Loss.sumOfSquares Yhat Y)
    Assert.True((Loss.mse' Yhat Y).Equals(m [ [ -1.0; 0.0 ]; [ 1.5; -0.5 ] ]))

[<Fact>]
let ``S03 S21 binary cross-entropy table stays finite where the slide shows log(0)`` () =
    // (p, t) -> −[t ln p + (1 − t) ln(1 − p)]
    near 1e-12 (-log 0.9) (Loss.binaryCrossEntropy (m [ [ 0.9 ] ]) (m [ [ 1.0 ] ]))
    near 1e-12 (-log 0.9) (Loss.binaryCrossEntropy (m [ [ 0.1 ] ]) (m [ [ 0.0 ] ]))
    let worst = Loss.binaryCrossEntropy (m [ [ 0.0 ] ]) (m [ [ 1.0 ] ])
    near 1e-9 (-log Loss.epsilon) worst
    Assert.True(Double.IsFinite worst && worst > 0.0)
    Assert.True(Mat.isFinite (Loss.binaryCrossEntropy' (m [ [ 0.0; 1.0 ] ]) (m [ [ 1.0; 0.0 ] ])))
    near 1e-11 0.0 (Loss.binaryCrossEntropy (m [ [ 1.0 ] ]) (m [ [ 1.0 ] ])) // −ln(1 − ε) ≈ 1e-12

[<Fact>]
let ``S21 with a sigmoid output dZ = yhat - y`` () =
    let Z, Y = m [ [ 0.3; -1.2 ] ], m [ [ 1.0; 0.0 ] ]
    let _, dZ = Loss.sigmoidCrossEntropy Z Y
    near 1e-15 (Activation.sigmoid 0.3 - 1.0) dZ.[0, 0]
    near 1e-15 (Activation.sigmoid -1.2) dZ.[0, 1]

[<Fact>]
let ``S22 softmax + NLL of [0.1, 1.3, 2.5] for class 2 is -ln p_2, and dZ = p - y`` () =
    let Z, Y = m [ [ 0.1; 1.3; 2.5 ] ], m [ [ 0.0; 0.0; 1.0 ] ]
    // p = [0.06517505598226614, 0.21638880630702367, 0.7184361377107102] and
    // J = −ln p_2 = 0.33067846020987357, computed apart from the library (Python's math).
    let p = [| 0.06517505598226614; 0.21638880630702367; 0.7184361377107102 |]
    let J, dZ = Loss.softmaxCrossEntropy Z Y
    near 1e-15 0.33067846020987357 J
    near 0.005 0.33 J // −ln 0.718
    for k in 0 .. 2 do near 1e-15 (p.[k] - Y.[0, k]) dZ.[0, k]

[<Fact>]
let ``S23 hinge, multiclass SVM and logistic losses at chosen points`` () =
    // Multiclass SVM, scores [3.2, 5.1, −1.7], true class 0: max(0, 5.1 − 3.2 + 1) + max(0, −1.7 − 3.2 + 1) = 2.9
    near 1e-12 2.9 (Loss.multiclassHinge (m [ [ 3.2; 5.1; -1.7 ] ]) (m [ [ 1.0; 0.0; 0.0 ] ]))
    Assert.True((Loss.multiclassHinge' (m [ [ 3.2; 5.1; -1.7 ] ]) (m [ [ 1.0; 0.0; 0.0 ] ])).Equals(m [ [ -1.0; 1.0; 0.0 ] ]))
    // Binary hinge: y = 1, f = 0.3 -> 0.7; y = −1, f = −2 -> 0
    near 1e-15 0.35 (Loss.hinge (m [ [ 0.3 ]; [ -2.0 ] ]) (m [ [ 1.0 ]; [ -1.0 ] ]))
    // Logistic: ln(1 + e^(−y f)) at y f = 0 is ln 2
    near 1e-15 (log 2.0) (Loss.logistic (m [ [ 0.0 ] ]) (m [ [ 1.0 ] ]))
    // L2: λ Σ W² with λ = 0.1, W = [[1, −2]] -> 0.5; gradient 2λW
    near 1e-15 0.5 (Regularization.l2 0.1 (m [ [ 1.0; -2.0 ] ]))
    Assert.True((Regularization.l2' 0.1 (m [ [ 1.0; -2.0 ] ])).Equals(m [ [ 0.2; -0.4 ] ]))

[<Fact>]
let ``S24 one-hot encoding of [2, 0, 1] with 3 classes`` () =
    Assert.True((Data.oneHot 3 [| 2; 0; 1 |]).Equals(m [ [ 0.0; 0.0; 1.0 ]; [ 1.0; 0.0; 0.0 ]; [ 0.0; 1.0; 0.0 ] ]))
    let e = Assert.Throws<ArgumentException>(fun () -> Data.oneHot 3 [| 0; 3 |] |> ignore)
    Assert.Contains("label 3 at index 1", e.Message)

[<Fact>]
let ``S26 S06 numerical gradient of a matrix function and the gradient check`` () =
    let X = m [ [ 1.0; -2.0 ]; [ 0.5; 3.0 ] ]
    let f (A: Matrix<float>) = Mat.sum (Mat.hadamard A A) // ∂f/∂X = 2X
    let n = Numerical.gradient 1e-5 f X
    let c = Numerical.check 1e-8 (2.0 * X) n
    Assert.True(c.MaxRelativeError < 1e-9, sprintf "%A" c)
    let wrong = Numerical.check 1e-8 (2.0 * X + m [ [ 0.0; 0.0 ]; [ 0.0; 0.3 ] ]) n
    Assert.Equal((1, 1), (wrong.Row, wrong.Column))
    near 1e-9 (0.3 / 6.3) wrong.MaxRelativeError
    Assert.True(X.Equals(m [ [ 1.0; -2.0 ]; [ 0.5; 3.0 ] ]), "X must be restored")

[<Fact>]
let ``S27 one gradient-descent step by hand`` () =
    let theta = Optimizer.sgd 0.1 (m [ [ 1.0; 2.0 ] ]) (m [ [ 0.5; -1.0 ] ])
    Assert.True(theta.Equals(m [ [ 0.95; 2.1 ] ]))

[<Fact>]
let ``S28 minibatches of 32, 64, 128, 256 cover 1000 examples once`` () =
    for b in [ 32; 64; 128; 256 ] do
        let batches = Optimizer.minibatches 7 1000 b
        Assert.Equal((1000 + b - 1) / b, batches.Length)
        Assert.Equal<int[]>(Array.init 1000 id, Array.sort (Array.concat batches))

[<Fact>]
let ``S30 standardising with training statistics, applied to a test set`` () =
    let train = m [ [ 1.0; 10.0 ]; [ 3.0; 10.0 ] ]
    let s = Data.fit train
    Assert.True(s.Mean.Equals(m [ [ 2.0; 10.0 ] ]))
    Assert.True(s.Std.Equals(m [ [ 1.0; 1.0 ] ])) // population std of [1, 3] is 1; the constant column gets 1
    Assert.True((Data.standardize s (m [ [ 5.0; 12.0 ] ])).Equals(m [ [ 3.0; 2.0 ] ]))
    Assert.True((Data.centre s train).Equals(m [ [ -1.0; 0.0 ]; [ 1.0; 0.0 ] ]))

[<Fact>]
let ``S32 accuracy is the mean of argmax(scores) = label`` () =
    let scores = m [ [ 0.1; 0.9 ]; [ 0.8; 0.2 ]; [ 0.3; 0.7 ]; [ 0.6; 0.4 ] ]
    near 0.0 0.75 (Data.accuracy scores [| 1; 0; 1; 1 |])

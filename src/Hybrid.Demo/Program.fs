/// The main job for now: a 2-4-1 network learns XOR through the core (tanh hidden layer,
/// sigmoid output, binary cross-entropy from logits, full-batch gradient descent).
module Hybrid.Demo.Program

open Hybrid.Core

[<EntryPoint>]
let main _ =
    let X = Mat.ofRows [| [| 0.0; 0.0 |]; [| 0.0; 1.0 |]; [| 1.0; 0.0 |]; [| 1.0; 1.0 |] |]
    let Y = Mat.ofRows [| [| 0.0 |]; [| 1.0 |]; [| 1.0 |]; [| 0.0 |] |]
    let net0 = Network.dense 7 XavierNormal 2 [ 4, Tanh; 1, Sigmoid ]
    printfn "XOR with a 2-4-1 network (%d parameters), eta = 0.5, full batch" (Network.parameterCount net0)
    let trained =
        (net0, [ 1 .. 2000 ]) ||> List.fold (fun net epoch ->
            let net', J = Optimizer.step 0.5 BinaryCrossEntropy net X Y
            if epoch = 1 || epoch % 250 = 0 then printfn "epoch %4d  loss %.6f" epoch J
            net')
    printfn "final loss %.6f" (Network.loss BinaryCrossEntropy trained X Y)
    let P = Network.forward trained X
    for i in 0 .. 3 do
        printfn "%g xor %g -> %.4f (target %g)" X.[i, 0] X.[i, 1] P.[i, 0] Y.[i, 0]
    0

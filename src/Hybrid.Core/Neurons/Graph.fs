namespace Hybrid.Core

open System
open System.Collections.Generic

/// A value in a computational graph of scalar gates (S06-S11): its forward value Data, the
/// gradient Grad = ∂(root)/∂(this value) filled in by Graph.backward, the gate that produced it
/// and that gate's inputs. Nodes compare by reference: one node used twice is one shared value.
[<Sealed>]
type Node internal (data: float, op: string, parents: Node[], local: float -> float[]) =
    let mutable grad = 0.0

    /// The forward value.
    member _.Data : float = data

    /// ∂root/∂this after Graph.backward(root); 0 before. Written only by the engine.
    member _.Grad
        with get () : float = grad
        and internal set (v: float) = grad <- v

    /// The gate that produced this value ("input" for a leaf, "const" for a constant).
    member _.Op : string = op

    /// The inputs of the gate (empty for a leaf). The same node may appear twice (a·a).
    member _.Parents : IReadOnlyList<Node> = Array.AsReadOnly parents :> IReadOnlyList<Node>

    /// The gate's backward: upstream gradient -> the contribution to each parent's gradient
    /// (local derivative × upstream, the chain rule of S07).
    member internal _.Local : float -> float[] = local

    member internal _.ParentArray : Node[] = parents

    override _.ToString() = sprintf "Node(%s, data=%g, grad=%g)" op data grad

/// The reverse-mode engine over scalars (S06-S12). Building an expression is the forward pass:
/// each gate computes its value from values that exist already, so values are computed in a
/// topological order by construction. Each gate states its local derivatives right next to its
/// forward (the cs231n/micrograd pattern the slides use: `da = b * dx`). Graph.backward runs the
/// gates in reverse topological order and accumulates (+=) into every input, so a value feeding
/// several gates receives the sum of its branches (S10). The engine is iterative: no recursion,
/// so chains of 100,000 gates or more work.
module Graph =

    let private noParents : Node[] = [||]

    let private checkNode (paramName: string) (n: Node) : unit =
        if isNull (box n) then raise (ArgumentNullException(paramName))

    /// A gate: value `data`, inputs `parents`, backward `local`.
    let private gate (op: string) (parents: Node[]) (data: float) (local: float -> float[]) : Node =
        Node(data, op, parents, local)

    /// A leaf (an input whose gradient we want). Raises ArgumentException for a non-finite value.
    /// Course: S07.
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphTests "S07 (x + y)·z at (−2, 5, −4): f = −12, gradients (−4, −4, 3)".
    let input (x: float) : Node =
        Shape.finiteScalar "x" x
        Node(x, "input", noParents, fun _ -> [||])

    /// A constant (a leaf, e.g. the 1 of 1 + e^(−z)); it receives a gradient like any leaf but
    /// is not meant to be trained. Course: S08 (c + x, a·x).
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphTests "S08 a·x and c + x with constants: dx = a and dx = 1".
    let constant (c: float) : Node =
        Shape.finiteScalar "c" c
        Node(c, "const", noParents, fun _ -> [||])

    /// a + b. ∂/∂a = 1, ∂/∂b = 1: add distributes the upstream gradient (S10). Course: S07, S08.
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphProperties "S10 / flow / add distributes the upstream gradient to both inputs unchanged".
    let add (a: Node) (b: Node) : Node =
        checkNode "a" a
        checkNode "b" b
        gate "+" [| a; b |] (a.Data + b.Data) (fun g -> [| g; g |])

    /// a − b. ∂/∂a = 1, ∂/∂b = −1. Course: S08.
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphTests "S08 the other gates: subtract, negate, log, tanh, sigmoid, square root".
    let sub (a: Node) (b: Node) : Node =
        checkNode "a" a
        checkNode "b" b
        gate "-" [| a; b |] (a.Data - b.Data) (fun g -> [| g; -g |])

    /// a·b. ∂/∂a = b, ∂/∂b = a: multiply swaps its inputs (S10). Course: S06, S07, S08.
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphProperties "S10 / flow / multiply swaps: each input gets the other input times the upstream gradient".
    let mul (a: Node) (b: Node) : Node =
        checkNode "a" a
        checkNode "b" b
        gate "*" [| a; b |] (a.Data * b.Data) (fun g -> [| b.Data * g; a.Data * g |])

    /// −a. ∂/∂a = −1. Course: S09 (the ×(−1) gate).
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphTests "S09 the sigmoid neuron circuit, gate by gate, with w = (2, −3, −3), x = (−1, −2)".
    let neg (a: Node) : Node =
        checkNode "a" a
        gate "neg" [| a |] (-a.Data) (fun g -> [| -g |])

    /// 1/a. ∂/∂a = −1/a². Raises ArgumentException when a = 0. Course: S08, S09.
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphTests "S08 1/a at a = 2: da = −1/a²".
    let reciprocal (a: Node) : Node =
        checkNode "a" a
        if a.Data = 0.0 then Shape.fail "a" "1/a is undefined for a = 0."
        let r = 1.0 / a.Data
        gate "1/x" [| a |] r (fun g -> [| -(r * r) * g |])

    /// a/b. ∂/∂a = 1/b, ∂/∂b = −a/b². Raises ArgumentException when b = 0. Course: S08
    /// ((a + b)/(c + d)).
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphTests "S08 (a + b)/(c + d) at (1, 3, 2, −4), as the slide decomposes it and with the divide gate".
    let div (a: Node) (b: Node) : Node =
        checkNode "a" a
        checkNode "b" b
        if b.Data = 0.0 then Shape.fail "b" "a/b is undefined for b = 0."
        let q = a.Data / b.Data
        gate "/" [| a; b |] q (fun g -> [| g / b.Data; -(q / b.Data) * g |])

    /// e^a. ∂/∂a = e^a (the output itself). Course: S08, S09.
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphTests "S08 e^x at x = 1: the gradient is e^x itself".
    let exp (a: Node) : Node =
        checkNode "a" a
        let e = Math.Exp a.Data
        gate "exp" [| a |] e (fun g -> [| e * g |])

    /// ln a. ∂/∂a = 1/a. Raises ArgumentException when a ≤ 0. Course: S08 (S21's log).
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphTests "S08 the other gates: subtract, negate, log, tanh, sigmoid, square root".
    let log (a: Node) : Node =
        checkNode "a" a
        if not (a.Data > 0.0) then Shape.fail "a" (sprintf "ln a needs a > 0 but a = %g." a.Data)
        gate "log" [| a |] (Math.Log a.Data) (fun g -> [| g / a.Data |])

    /// a^p for a constant exponent p. ∂/∂a = p·a^(p−1). Raises ArgumentException when a^p is
    /// not a finite real (a < 0 with a non-integer p, or a = 0 with p < 0). Course: S06 (x²), S08
    /// (a·a, a² + b² + c², ((a·b + c)·d)²).
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphTests "S06 d(x²)/dx = 2x and f = x·y gives df/dx = y, df/dy = x", "S08 ((a·b + c)·d)² at (1, 2, 3, −1), gate by gate".
    let pow (a: Node) (p: float) : Node =
        checkNode "a" a
        Shape.finiteScalar "p" p
        let v = Math.Pow(a.Data, p)
        if not (Double.IsFinite v) then Shape.fail "a" (sprintf "a^p is not a finite real for a = %g, p = %g." a.Data p)
        gate (sprintf "^%g" p) [| a |] v (fun g -> [| p * Math.Pow(a.Data, p - 1.0) * g |])

    /// max(a, b). The gradient goes to the larger input (max routes, S10); on a tie a ≥ b it
    /// goes to a. Course: S08, S10.
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphProperties "S10 / flow / max routes the upstream gradient to the larger input only".
    let max (a: Node) (b: Node) : Node =
        checkNode "a" a
        checkNode "b" b
        if a.Data >= b.Data then gate "max" [| a; b |] a.Data (fun g -> [| g; 0.0 |])
        else gate "max" [| a; b |] b.Data (fun g -> [| 0.0; g |])

    /// ReLU(a) = max(0, a). ∂/∂a = 1 if a > 0 else 0 (0 at the kink, as Activation.relu').
    /// Course: S08.
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphTests "S08 max(0, a) is ReLU: da = 1 if a > 0 else 0".
    let relu (a: Node) : Node =
        checkNode "a" a
        gate "relu" [| a |] (Activation.relu a.Data) (fun g -> [| (if a.Data > 0.0 then g else 0.0) |])

    /// σ(a) = 1/(1 + e^(−a)) as one gate. ∂/∂a = (1 − σ)σ, the shortcut of S09.
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphTests "S09 the sigmoid neuron circuit, gate by gate, with w = (2, −3, −3), x = (−1, −2)" (equal to the circuit).
    let sigmoid (a: Node) : Node =
        checkNode "a" a
        let s = Activation.sigmoid a.Data
        gate "sigmoid" [| a |] s (fun g -> [| (1.0 - s) * s * g |])

    /// tanh a. ∂/∂a = 1 − tanh² a. Course: S04, S08.
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphTests "S11 a chain of 100,000 gates runs forward and backward without recursion".
    let tanh (a: Node) : Node =
        checkNode "a" a
        let t = Math.Tanh a.Data
        gate "tanh" [| a |] t (fun g -> [| (1.0 - t * t) * g |])

    /// Every node that `root` depends on (itself included), inputs before the gates that use
    /// them: a topological order found by an iterative depth-first search (an explicit stack,
    /// no recursion). Course: S11 (nodes_topologically_sorted).
    /// Checked by: GraphProperties "S07 / expression trees / every gradient equals the central difference (S07-S09)" and "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)"; GraphTests "S11 backward runs in reverse topological order, and twice gives the same gradients".
    let topologicalOrder (root: Node) : Node[] =
        checkNode "root" root
        let visited = HashSet<Node>(HashIdentity.Reference)
        let order = ResizeArray<Node>()
        // (node, expanded): a node is emitted when popped the second time, after its parents.
        let stack = Stack<struct (Node * bool)>()
        stack.Push(struct (root, false))
        while stack.Count > 0 do
            let struct (n, expanded) = stack.Pop()
            if expanded then order.Add n
            elif visited.Add n then
                stack.Push(struct (n, true))
                for p in n.ParentArray do
                    if not (visited.Contains p) then stack.Push(struct (p, false))
        order.ToArray()

    /// Backpropagation (S07-S11): sets Grad = 0 on every node `root` depends on, Grad = 1 on the
    /// root, then runs each gate's local backward in reverse topological order, adding its
    /// contributions into its inputs' Grad (+=, so branches sum, S10). Afterwards each node's
    /// Grad is ∂root/∂node. Calling it again gives the same gradients.
    /// Checked by: GraphProperties "S10 / DAGs / every gradient equals the central difference on random DAGs with shared nodes (S10-S11)" and
    /// GraphTests "S07 (x + y)·z at (−2, 5, −4): f = −12, gradients (−4, −4, 3)", every gate example (S08) of
    /// GraphTests (e.g. "S08 a·a: the two branches sum to 2a"), "S09 the sigmoid neuron circuit, gate by gate, with w = (2, −3, −3), x = (−1, −2)".
    let backward (root: Node) : unit =
        let order = topologicalOrder root
        for n in order do
            n.Grad <- 0.0
        root.Grad <- 1.0
        for k in order.Length - 1 .. -1 .. 0 do
            let n = order.[k]
            let parents = n.ParentArray
            if parents.Length > 0 then
                let contributions = n.Local n.Grad
                for i in 0 .. parents.Length - 1 do
                    parents.[i].Grad <- parents.[i].Grad + contributions.[i]

/// Operators on nodes (an intrinsic extension, so F# and C# both see them), so code reads like
/// the slides: (x + y) * z.
type Node with
    /// a + b (Graph.add).
    static member (+)(a: Node, b: Node) = Graph.add a b
    /// a + c with a constant c.
    static member (+)(a: Node, c: float) = Graph.add a (Graph.constant c)
    /// c + a with a constant c.
    static member (+)(c: float, a: Node) = Graph.add (Graph.constant c) a
    /// a − b (Graph.sub).
    static member (-)(a: Node, b: Node) = Graph.sub a b
    /// a − c with a constant c.
    static member (-)(a: Node, c: float) = Graph.sub a (Graph.constant c)
    /// c − a with a constant c.
    static member (-)(c: float, a: Node) = Graph.sub (Graph.constant c) a
    /// a·b (Graph.mul).
    static member (*)(a: Node, b: Node) = Graph.mul a b
    /// a·c with a constant c.
    static member (*)(a: Node, c: float) = Graph.mul a (Graph.constant c)
    /// c·a with a constant c.
    static member (*)(c: float, a: Node) = Graph.mul (Graph.constant c) a
    /// a/b (Graph.div).
    static member (/)(a: Node, b: Node) = Graph.div a b
    /// a/c with a constant c.
    static member (/)(a: Node, c: float) = Graph.div a (Graph.constant c)
    /// c/a with a constant c.
    static member (/)(c: float, a: Node) = Graph.div (Graph.constant c) a
    /// −a (Graph.neg).
    static member (~-)(a: Node) = Graph.neg a

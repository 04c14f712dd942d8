/// Worked examples of backpropagation on graphs of scalar gates, with the slides' numbers
/// (S06-S11).
module GraphTests

open System
open Xunit
open Hybrid.Core

let private v = Graph.input

/// Asserts value and gradient of a node to 12 decimal places.
let private expect (data: float) (grad: float) (n: Node) =
    Assert.Equal(data, n.Data, 12)
    Assert.Equal(grad, n.Grad, 12)

[<Fact>]
let ``S07 (x + y)·z at (−2, 5, −4): f = −12, gradients (−4, −4, 3)`` () =
    let x, y, z = v -2.0, v 5.0, v -4.0
    let q = x + y
    let f = q * z
    Graph.backward f
    expect -12.0 1.0 f
    expect 3.0 -4.0 q // ∂f/∂q = z
    expect -2.0 -4.0 x // ∂f/∂x = ∂f/∂q · ∂q/∂x = z · 1
    expect 5.0 -4.0 y
    expect -4.0 3.0 z // ∂f/∂z = q

[<Fact>]
let ``S06 d(x²)/dx = 2x and f = x·y gives df/dx = y, df/dy = x`` () =
    let x = v 3.0
    let f = Graph.pow x 2.0
    Graph.backward f
    Assert.Equal(9.0, f.Data)
    expect 3.0 6.0 x
    let a, b = v 3.0, v -2.0
    Graph.backward (a * b)
    expect 3.0 -2.0 a
    expect -2.0 3.0 b

[<Fact>]
let ``S08 a + b + c passes the upstream gradient to every input`` () =
    let a, b, c = v 1.0, v 2.0, v 3.0
    let q = a + b
    let x = q + c
    Graph.backward x
    for n in [ a; b; c; q ] do
        Assert.Equal(1.0, n.Grad)

[<Fact>]
let ``S08 a·b + c at (2, 3, 4): da = b, db = a, dc = 1`` () =
    let a, b, c = v 2.0, v 3.0, v 4.0
    let x = a * b + c
    Graph.backward x
    Assert.Equal(10.0, x.Data)
    expect 2.0 3.0 a
    expect 3.0 2.0 b
    expect 4.0 1.0 c

[<Fact>]
let ``S08 a·a: the two branches sum to 2a`` () =
    let a = v 3.0
    let x = a * a
    Graph.backward x
    expect 3.0 6.0 a

[<Fact>]
let ``S08 a² + b² + c² at (1, −2, 3): gradients (2a, 2b, 2c)`` () =
    let a, b, c = v 1.0, v -2.0, v 3.0
    let x = a * a + b * b + c * c
    Graph.backward x
    Assert.Equal(14.0, x.Data)
    expect 1.0 2.0 a
    expect -2.0 -4.0 b
    expect 3.0 6.0 c

[<Fact>]
let ``S08 ((a·b + c)·d)² at (1, 2, 3, −1), gate by gate`` () =
    let a, b, c, d = v 1.0, v 2.0, v 3.0, v -1.0
    let x1 = a * b + c
    let x2 = x1 * d
    let x = x2 * x2
    Graph.backward x
    expect 25.0 1.0 x
    expect -5.0 -10.0 x2 // dx2 = 2·x2·dx
    expect 5.0 10.0 x1 // dx1 = d·dx2
    expect -1.0 -50.0 d // dd = x1·dx2
    expect 1.0 20.0 a // da = b·dx1
    expect 2.0 10.0 b // db = a·dx1
    expect 3.0 10.0 c // dc = 1·dx1
    // The power gate gives the same.
    let a', b', c', d' = v 1.0, v 2.0, v 3.0, v -1.0
    Graph.backward (Graph.pow ((a' * b' + c') * d') 2.0)
    Assert.Equal<float list>([ 20.0; 10.0; 10.0; -50.0 ], [ a'.Grad; b'.Grad; c'.Grad; d'.Grad ])

[<Fact>]
let ``S08 1/a at a = 2: da = −1/a²`` () =
    let a = v 2.0
    let x = Graph.reciprocal a
    Graph.backward x
    expect 0.5 1.0 x
    expect 2.0 -0.25 a

[<Fact>]
let ``S08 (a + b)/(c + d) at (1, 3, 2, −4), as the slide decomposes it and with the divide gate`` () =
    let a, b, c, d = v 1.0, v 3.0, v 2.0, v -4.0
    let x1 = a + b
    let x2 = c + d
    let x3 = Graph.reciprocal x2
    let x = x1 * x3
    Graph.backward x
    expect -2.0 1.0 x
    expect 4.0 -0.5 x1 // dx1 = x3·dx
    expect -0.5 4.0 x3 // dx3 = x1·dx
    expect -2.0 -1.0 x2 // dx2 = −1/x2²·dx3
    Assert.Equal<float list>([ -0.5; -0.5; -1.0; -1.0 ], [ a.Grad; b.Grad; c.Grad; d.Grad ])
    let a', b', c', d' = v 1.0, v 3.0, v 2.0, v -4.0
    let y = (a' + b') / (c' + d')
    Graph.backward y
    Assert.Equal(-2.0, y.Data)
    Assert.Equal<float list>([ -0.5; -0.5; -1.0; -1.0 ], [ a'.Grad; b'.Grad; c'.Grad; d'.Grad ])

[<Fact>]
let ``S08 max(a, b) routes the gradient to the larger input`` () =
    let a, b = v 4.0, v 2.0
    Graph.backward (Graph.max a b)
    expect 4.0 1.0 a
    expect 2.0 0.0 b
    let a', b' = v 1.0, v 5.0
    Graph.backward (Graph.max a' b')
    expect 1.0 0.0 a'
    expect 5.0 1.0 b'

[<Fact>]
let ``S08 max(0, a) is ReLU: da = 1 if a > 0 else 0`` () =
    for a0, value, grad in [ 3.0, 3.0, 1.0; -2.0, 0.0, 0.0; 0.0, 0.0, 0.0 ] do
        let a = v a0
        let x = Graph.relu a
        Graph.backward x
        Assert.Equal(value, x.Data)
        Assert.Equal(grad, a.Grad)
        let a' = v a0
        let x' = Graph.max (Graph.constant 0.0) a'
        Graph.backward x'
        Assert.Equal(value, x'.Data)
        // At a = 0 max(0, a) routes to its first input (the constant), the same choice as ReLU′(0) = 0.
        Assert.Equal(grad, a'.Grad)

[<Fact>]
let ``S08 e^x at x = 1: the gradient is e^x itself`` () =
    let x = v 1.0
    let y = Graph.exp x
    Graph.backward y
    expect 1.0 Math.E x
    Assert.Equal(Math.E, y.Data, 15)

[<Fact>]
let ``S08 a·x and c + x with constants: dx = a and dx = 1`` () =
    let x = v 5.0
    Graph.backward (3.0 * x)
    Assert.Equal(3.0, x.Grad)
    let x' = v 5.0
    Graph.backward (2.0 + x')
    Assert.Equal(1.0, x'.Grad)

[<Fact>]
let ``S08 the other gates: subtract, negate, log, tanh, sigmoid, square root`` () =
    let a, b = v 2.0, v 3.0
    Graph.backward (a - b)
    Assert.Equal<float list>([ 1.0; -1.0 ], [ a.Grad; b.Grad ])
    let c = v 2.0
    Graph.backward (-c)
    Assert.Equal(-1.0, c.Grad)
    let d = v 4.0
    let l = Graph.log d
    Graph.backward l
    Assert.Equal(Math.Log 4.0, l.Data, 15)
    Assert.Equal(0.25, d.Grad, 15)
    let e = v 0.5
    Graph.backward (Graph.tanh e)
    // tanh′(0.5) = 1 − tanh² 0.5 = 4e/(e + 1)²: a hand-derived number (as in WorkedExamples), not Math.Tanh again
    Assert.Equal(0.78644773296592741, e.Grad, 15)
    let f = v 0.0
    let s = Graph.sigmoid f
    Graph.backward s
    Assert.Equal(0.5, s.Data)
    Assert.Equal(0.25, f.Grad)
    let g = v 9.0
    let r = Graph.pow g 0.5
    Graph.backward r
    Assert.Equal(3.0, r.Data, 15)
    Assert.Equal(1.0 / 6.0, g.Grad, 15)

[<Fact>]
let ``S09 the sigmoid neuron circuit, gate by gate, with w = (2, −3, −3), x = (−1, −2)`` () =
    // f(w, x) = 1 / (1 + e^(−(w0·x0 + w1·x1 + w2))) (the slide's 1 − e^(−x) is an erratum).
    let w0, x0, w1, x1, w2 = v 2.0, v -1.0, v -3.0, v -2.0, v -3.0
    let p0 = w0 * x0
    let p1 = w1 * x1
    let s = p0 + p1
    let z = s + w2
    let nz = z * -1.0
    let e = Graph.exp nz
    let d = e + 1.0
    let f = Graph.reciprocal d
    Graph.backward f
    let sigma = 1.0 / (1.0 + Math.Exp -1.0)
    // Forward, gate by gate: −2, 6, 4, 1, −1, 0.37, 1.37, 0.73.
    Assert.Equal<float list>([ -2.0; 6.0; 4.0; 1.0; -1.0 ], [ p0.Data; p1.Data; s.Data; z.Data; nz.Data ])
    Assert.Equal(0.3679, e.Data, 4)
    Assert.Equal(1.3679, d.Data, 4)
    Assert.Equal(0.7311, f.Data, 4)
    // Backward, gate by gate: 1 -> −0.53 -> −0.53 -> −0.20 -> 0.20 on every sum.
    Assert.Equal(-0.5344, d.Grad, 4) // −1/d²
    Assert.Equal(-0.5344, e.Grad, 4) // ·1
    Assert.Equal(-0.1966, nz.Grad, 4) // ·e^(−z)
    Assert.Equal(0.1966, z.Grad, 4) // ·(−1)
    Assert.Equal(0.1966, w2.Grad, 4)
    Assert.Equal(0.1966, p0.Grad, 4)
    // The inputs: dw = (x0, x1, 1)·0.20, dx = (w0, w1)·0.20: −0.20, −0.39, 0.20 and 0.39, −0.59.
    let shortcut = (1.0 - sigma) * sigma // S09: dσ/dz = (1 − σ)σ
    Assert.Equal(shortcut, z.Grad, 12)
    Assert.Equal(-0.1966, w0.Grad, 4)
    Assert.Equal(-0.3932, w1.Grad, 4)
    Assert.Equal(0.3932, x0.Grad, 4)
    Assert.Equal(-0.5898, x1.Grad, 4)
    for n, expected in [ w0, -1.0; w1, -2.0; w2, 1.0; x0, 2.0; x1, -3.0 ] do
        Assert.Equal(expected * shortcut, n.Grad, 12)
    // One sigmoid gate with the (1 − σ)σ shortcut gives the same gradients.
    let w0', x0', w1', x1', w2' = v 2.0, v -1.0, v -3.0, v -2.0, v -3.0
    let f' = Graph.sigmoid (w0' * x0' + w1' * x1' + w2')
    Graph.backward f'
    Assert.Equal(f.Data, f'.Data, 15)
    for a, b in [ w0, w0'; x0, x0'; w1, w1'; x1, x1'; w2, w2' ] do
        Assert.Equal(a.Grad, b.Grad, 12)

[<Fact>]
let ``S10 gradients arriving on branches are summed: f = a·b + a·c gives df/da = b + c`` () =
    let a, b, c = v 2.0, v 3.0, v -7.0
    Graph.backward (a * b + a * c)
    Assert.Equal(-4.0, a.Grad)
    Assert.Equal(2.0, b.Grad)
    Assert.Equal(2.0, c.Grad)

[<Fact>]
let ``S11 backward runs in reverse topological order, and twice gives the same gradients`` () =
    let x, y, z = v -2.0, v 5.0, v -4.0
    let q = x + y
    let f = q * z
    let order = Graph.topologicalOrder f
    Assert.Equal(5, order.Length)
    let index n = Array.findIndex (fun m -> obj.ReferenceEquals(m, n)) order
    Assert.True(index x < index q && index y < index q && index q < index f && index z < index f)
    Graph.backward f
    Graph.backward f
    Assert.Equal<float list>([ -4.0; -4.0; 3.0 ], [ x.Grad; y.Grad; z.Grad ])

[<Fact>]
let ``S11 a chain of 100,000 gates runs forward and backward without recursion`` () =
    // y_(k+1) = y_k + x, 100,000 times: y = 100,001·x, and x feeds every gate (S10: 100,001 branches).
    let x = v 0.5
    let mutable y = x
    for _ in 1..100_000 do
        y <- y + x
    Graph.backward y
    Assert.Equal(100_001.0 * 0.5, y.Data)
    Assert.Equal(100_001.0, x.Grad)
    // A pure chain through non-linear gates: t_(k+1) = tanh(t_k) · 1, 100,000 deep.
    let t0 = v 0.1
    let mutable t = t0
    for _ in 1..50_000 do
        t <- Graph.tanh t * 1.0
    Graph.backward t
    let expected =
        let mutable a, g = 0.1, 1.0
        for _ in 1..50_000 do
            let th = Math.Tanh a
            g <- g * (1.0 - th * th)
            a <- th
        g
    Assert.Equal(expected, t0.Grad, 12)

[<Fact>]
let ``bad gate inputs raise ArgumentException naming the argument`` () =
    let name (f: unit -> Node) = (Assert.ThrowsAny<ArgumentException>(fun () -> f () |> ignore)).ParamName |> string
    Assert.Equal("a", name (fun () -> Graph.reciprocal (v 0.0)))
    Assert.Equal("b", name (fun () -> v 1.0 / v 0.0))
    Assert.Equal("a", name (fun () -> Graph.log (v -1.0)))
    Assert.Equal("a", name (fun () -> Graph.pow (v -1.0) 0.5))
    Assert.Equal("x", name (fun () -> v nan))
    Assert.Equal("b", name (fun () -> Graph.add (v 1.0) Unchecked.defaultof<Node>))

using Hybrid.Core;

namespace Hybrid.Lessons;

/// <summary>
/// A scalar in a computational graph of gates (S06-S11), with its gradient. Building an expression
/// runs the forward pass; <see cref="Backward"/> fills in <see cref="Grad"/> = ∂(this)/∂(value) for
/// every value the expression depends on. Example:
/// <code>
/// var x = new Value(-2); var y = new Value(5); var z = new Value(-4);
/// var f = (x + y) * z;   // f.Data == -12
/// f.Backward();          // x.Grad == -4, y.Grad == -4, z.Grad == 3
/// </code>
/// Holds a <c>Hybrid.Core.Node</c> and calls the core in one hop: the operators are the node's own
/// (<c>Node.op_Addition</c>, ...), the other gates <c>Hybrid.Core.Graph</c>'s functions. A value that
/// feeds several gates receives the sum of their gradients. A double used in an expression becomes a constant.
/// </summary>
public sealed class Value
{
    private readonly Node node;

    /// <summary>A new input value.</summary>
    /// <param name="data">The value; finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="data"/> is not finite.</exception>
    public Value(double data)
    {
        if (!double.IsFinite(data))
            throw new ArgumentOutOfRangeException(nameof(data), data, "data must be finite.");
        node = Graph.input(data);
    }

    private Value(Node node) => this.node = node;

    /// <summary>The forward value.</summary>
    public double Data => node.Data;

    /// <summary>∂root/∂this after the last <see cref="Backward"/> of an expression using this value; 0 before.</summary>
    public double Grad => node.Grad;

    /// <summary>The gate that produced this value ("input", "const", "+", "*", "exp", ...).</summary>
    public string Operation => node.Op;

    /// <summary>
    /// Backpropagation from this value: its gradient is set to 1, every value it depends on gets
    /// ∂this/∂value (gates run in reverse topological order, iteratively: deep chains are fine).
    /// </summary>
    public void Backward() => Graph.backward(node);

    /// <summary>A constant (a value not meant to be trained).</summary>
    /// <param name="data">The value; finite.</param>
    /// <returns>The constant.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="data"/> is not finite.</exception>
    public static Value Constant(double data)
    {
        if (!double.IsFinite(data))
            throw new ArgumentOutOfRangeException(nameof(data), data, "data must be finite.");
        return new Value(Graph.constant(data));
    }

    /// <summary>A double used in an expression becomes a constant.</summary>
    /// <param name="data">The value; finite.</param>
    public static implicit operator Value(double data) => Constant(data);

    private static Node N(Value? v, string paramName) =>
        v is null ? throw new ArgumentNullException(paramName) : v.node;

    /// <summary>a + b; ∂/∂a = ∂/∂b = 1.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The sum.</returns>
    public static Value operator +(Value a, Value b) => new(N(a, nameof(a)) + N(b, nameof(b)));

    /// <summary>a − b; ∂/∂a = 1, ∂/∂b = −1.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The difference.</returns>
    public static Value operator -(Value a, Value b) => new(N(a, nameof(a)) - N(b, nameof(b)));

    /// <summary>a·b; ∂/∂a = b, ∂/∂b = a.</summary>
    /// <param name="a">The left operand.</param>
    /// <param name="b">The right operand.</param>
    /// <returns>The product.</returns>
    public static Value operator *(Value a, Value b) => new(N(a, nameof(a)) * N(b, nameof(b)));

    /// <summary>a/b; ∂/∂a = 1/b, ∂/∂b = −a/b².</summary>
    /// <param name="a">The numerator.</param>
    /// <param name="b">The denominator, not 0.</param>
    /// <returns>The quotient.</returns>
    /// <exception cref="ArgumentException"><paramref name="b"/> is 0.</exception>
    public static Value operator /(Value a, Value b) => new(N(a, nameof(a)) / N(b, nameof(b)));

    /// <summary>−a; ∂/∂a = −1.</summary>
    /// <param name="a">The operand.</param>
    /// <returns>The negation.</returns>
    public static Value operator -(Value a) => new(-N(a, nameof(a)));

    /// <summary>max(a, b); the gradient goes to the larger input (to <paramref name="a"/> on a tie).</summary>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    /// <returns>The larger value.</returns>
    public static Value Max(Value a, Value b) => new(Graph.max(N(a, nameof(a)), N(b, nameof(b))));

    /// <summary>e^x; ∂/∂x = e^x.</summary>
    /// <returns>e raised to this value.</returns>
    public Value Exp() => new(Graph.exp(node));

    /// <summary>ln x; ∂/∂x = 1/x.</summary>
    /// <returns>The natural logarithm.</returns>
    /// <exception cref="ArgumentException">This value is not greater than 0.</exception>
    public Value Log() => new(Graph.log(node));

    /// <summary>x^p for a constant exponent; ∂/∂x = p·x^(p−1).</summary>
    /// <param name="exponent">The exponent p; finite.</param>
    /// <returns>This value to the power p.</returns>
    /// <exception cref="ArgumentException">x^p is not a finite real number.</exception>
    public Value Pow(double exponent) => new(Graph.pow(node, exponent));

    /// <summary>1/x; ∂/∂x = −1/x².</summary>
    /// <returns>The reciprocal.</returns>
    /// <exception cref="ArgumentException">This value is 0.</exception>
    public Value Reciprocal() => new(Graph.reciprocal(node));

    /// <summary>ReLU(x) = max(0, x); ∂/∂x = 1 if x &gt; 0 else 0.</summary>
    /// <returns>The rectified value.</returns>
    public Value Relu() => new(Graph.relu(node));

    /// <summary>σ(x) = 1/(1 + e^(−x)); ∂/∂x = (1 − σ)σ.</summary>
    /// <returns>The logistic sigmoid of this value.</returns>
    public Value Sigmoid() => new(Graph.sigmoid(node));

    /// <summary>tanh x; ∂/∂x = 1 − tanh² x.</summary>
    /// <returns>The hyperbolic tangent.</returns>
    public Value Tanh() => new(Graph.tanh(node));

    /// <inheritdoc/>
    public override string ToString() => $"Value(data={Data}, grad={Grad})";
}

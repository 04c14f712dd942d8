namespace Hybrid;

/// <summary>
/// Your own element-wise activation (course item S04; docs/extending.md): g(z), and its derivative g′(z) given both z and the
/// output a = g(z), whichever is simpler (σ′ = a(1 − a) needs only a). Write it as a <c>struct</c> and pass its type to
/// <see cref="ActivationDefinition.Create{TFunction}(string, ActivationOptions?)"/>: the loops are specialised to it and call
/// its members without an indirect call. Hybrid calls the members of <c>default(TFunction)</c>, so keep constants in
/// <c>const</c> fields, not in instance fields.
/// </summary>
public interface IActivationFunction
{
    /// <summary>a = g(z).</summary>
    /// <param name="z">The pre-activation.</param>
    /// <returns>g(z).</returns>
    double Value(double z);

    /// <summary>g′(z).</summary>
    /// <param name="z">The pre-activation.</param>
    /// <param name="a">g(z), already computed.</param>
    /// <returns>g′(z).</returns>
    double Derivative(double z, double a);
}

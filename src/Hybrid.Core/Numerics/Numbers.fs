namespace Hybrid.Core

/// The constants a definition generic over its element type needs (float today, float32 as a
/// second instantiation): written `zero`, `one` and `num 0.5`, so a formula still reads like the
/// slide (`one / (one + exp (-z))`). F#'s `exp`, `log`, `tanh`, `atan`, `abs`, `sqrt` and `max`
/// are already generic over float and float32.
[<AutoOpen>]
module Numbers =

    /// 0 of the element type.
    let inline zero<'T when 'T: (static member Zero: 'T)> : 'T = LanguagePrimitives.GenericZero<'T>

    /// 1 of the element type.
    let inline one<'T when 'T: (static member One: 'T)> : 'T = LanguagePrimitives.GenericOne<'T>

    /// The constant x in the element type (rounded once to float32 in a float32 instantiation).
    let inline num (x: float) : ^T = (^T: (static member CreateTruncating: float -> ^T) x)

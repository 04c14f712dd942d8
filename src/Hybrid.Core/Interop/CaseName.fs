namespace Hybrid.Core.Interop

/// The name of a core union value's case ("NonFinite", "Sigmoid"), read from the union's own
/// metadata: it is the case's name as C# spells it with nameof, so the interop layer keeps no
/// table or enum of the cases. The façade matches it with nameof of the core case
/// (StopReasons.FromCore, LayerKinds.FromCore, TrainingMessages); StopReasonTests and
/// LayerKindTests (tests/Hybrid.Tests) walk every case.
module internal CaseName =
    /// The name of value's case.
    let ofValue<'T> (value: 'T) : string = (fst (Reflection.FSharpValue.GetUnionFields(value, typeof<'T>))).Name

namespace Hybrid.Core

open System

/// Argument checks for the vector-valued lessons (single neurons, gates, random search): the
/// float[] counterparts of Shape's matrix checks. Each raises an ArgumentException-family
/// error that names the argument.
module internal LessonChecks =

    /// The array must not be null.
    let notNull (paramName: string) (a: 'T[]) : unit =
        if isNull (box a) then raise (ArgumentNullException(paramName))

    /// The array must not be null and every entry must be finite.
    let finiteVector (paramName: string) (v: float[]) : unit =
        notNull paramName v
        for i in 0 .. v.Length - 1 do
            if not (Double.IsFinite v.[i]) then
                Shape.fail paramName (sprintf "%s has a non-finite value %g at index %d." paramName v.[i] i)

    /// X (n rows) and Y (n targets) describe a data set of n ≥ 1 examples, each row with d
    /// entries, all finite.
    let dataSet (nameX: string) (X: float[][]) (nameY: string) (Y: float[]) (d: int) : unit =
        notNull nameX X
        notNull nameY Y
        if X.Length = 0 then Shape.fail nameX (sprintf "%s has no rows: at least one example is needed." nameX)
        if Y.Length <> X.Length then
            Shape.fail nameY (sprintf "%s has %d rows but %s has %d targets: they must match." nameX X.Length nameY Y.Length)
        for i in 0 .. X.Length - 1 do
            let row = X.[i]
            if isNull (box row) then Shape.fail nameX (sprintf "%s has a null row at index %d." nameX i)
            if row.Length <> d then
                Shape.fail nameX (sprintf "%s row %d has %d entries but the neuron has %d inputs." nameX i row.Length d)
            for j in 0 .. d - 1 do
                if not (Double.IsFinite row.[j]) then
                    Shape.fail nameX (sprintf "%s has a non-finite value %g at row %d, column %d." nameX row.[j] i j)
        for i in 0 .. Y.Length - 1 do
            if not (Double.IsFinite Y.[i]) then
                Shape.fail nameY (sprintf "%s has a non-finite value %g at index %d." nameY Y.[i] i)

    /// Every target must be 0 or 1 (the class labels of the perceptron and the sigmoid neuron).
    let binaryTargets (nameY: string) (Y: float[]) : unit =
        for i in 0 .. Y.Length - 1 do
            if Y.[i] <> 0.0 && Y.[i] <> 1.0 then
                Shape.fail nameY (sprintf "%s must hold class labels 0 or 1 but has %g at index %d." nameY Y.[i] i)

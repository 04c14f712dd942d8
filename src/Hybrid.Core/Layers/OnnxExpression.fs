namespace Hybrid.Core

open System
open System.Globalization

/// A user's ONNX expression for an activation of their own (docs/extending.md), read from text in the
/// spelling `OnnxNodeSpec.Text` prints: `Z` is the activation's input, a number is a constant of the
/// graph's element type (invariant culture: `0.5`, `-1`, `1e-3`), and `Op(arg, arg, …)` is a standard
/// ONNX op (default domain, the exporter's opset) on one or more arguments. Whitespace between tokens is
/// ignored. Attributes (`axis=-1`) are not part of the grammar: an op that needs one cannot be written,
/// so write it from ops without (Softplus's double form, say, from Exp, Log, Abs, Neg and Max). Course: S04.
///
///     expr   := number | "Z" | op "(" expr { "," expr } ")"
///     op     := letter { letter | digit | "_" }
///     number := [ "-" ] digits [ "." digits ] [ ("e" | "E") [ "+" | "-" ] digits ]   (also ".5", "5.")
module OnnxExpression =

    /// The longest expression read, in characters (a bound on what a message and the parser's work hold). Course: S04.
    [<Literal>]
    let MaxLength = 4096

    /// The deepest nesting of ops read (a bound on the parser's recursion). Course: S04.
    [<Literal>]
    let MaxDepth = 64

    /// The text quoted in a message: at most 60 characters, then "…".
    let private excerpt (text: string) =
        if text.Length <= 60 then text else text.Substring(0, 60) + "…"

    /// The ArgumentException (naming "options") for malformed text: the position (counting from 1), what was
    /// expected there and what was found.
    let private malformed (text: string) (position: int) (expected: string) : 'a =
        let found =
            if position >= text.Length then "the end of the text"
            else sprintf "\"%s\"" (excerpt (text.Substring position))
        Shape.fail "options" (sprintf "the ONNX expression \"%s\" is malformed at position %d: expected %s, but found %s." (excerpt text) (position + 1) expected found)

    let private isIdentifierStart (c: char) = Char.IsAsciiLetter c
    let private isIdentifierPart (c: char) = Char.IsAsciiLetterOrDigit c || c = '_'

    /// Whether the expression reads the activation's input Z somewhere. Course: S04.
    let rec readsInput (e: OnnxExpr) : bool =
        match e with
        | OnnxExpr.Input -> true
        | OnnxExpr.Op(_, inputs, _) -> inputs |> List.exists readsInput
        | OnnxExpr.Parameter | OnnxExpr.Constant _ | OnnxExpr.Library _ -> false

    /// Reads an activation's ONNX expression from text (the grammar in this module's comment) into the
    /// registry's OnnxExpr: Z is OnnxExpr.Input, a number OnnxExpr.Constant, `Op(…)` an OnnxExpr.Op without
    /// attributes. ArgumentException naming "options" for text that is null or blank, longer than MaxLength,
    /// nested deeper than MaxDepth, malformed (the message names the position, counting from 1, what was
    /// expected there and what was found: an unbalanced parenthesis, a bad number, trailing text), or that
    /// never reads Z (a constant is no activation). Course: S04.
    let parse (text: string) : OnnxExpr =
        if String.IsNullOrWhiteSpace text then Shape.fail "options" "an ONNX expression must not be empty: write g in Z, such as \"Mul(Z, Sigmoid(Z))\"."
        if text.Length > MaxLength then
            Shape.fail "options" (sprintf "an ONNX expression has at most %d characters, but \"%s\" has %d." MaxLength (excerpt text) text.Length)
        let i = ref 0
        let skipSpace () =
            while i.Value < text.Length && Char.IsWhiteSpace text.[i.Value] do
                i.Value <- i.Value + 1
        let expect (c: char) (what: string) =
            skipSpace ()
            if i.Value < text.Length && text.[i.Value] = c then i.Value <- i.Value + 1 else malformed text i.Value what
        let digits () =
            let start = i.Value
            while i.Value < text.Length && Char.IsAsciiDigit text.[i.Value] do
                i.Value <- i.Value + 1
            i.Value - start
        let number () =
            let start = i.Value
            if text.[i.Value] = '-' then i.Value <- i.Value + 1
            let whole = digits ()
            let fraction =
                if i.Value < text.Length && text.[i.Value] = '.' then
                    i.Value <- i.Value + 1
                    digits ()
                else 0
            if whole = 0 && fraction = 0 then malformed text start "a number (digits, as in 0.5 or -1)"
            if i.Value < text.Length && (text.[i.Value] = 'e' || text.[i.Value] = 'E') then
                let e = i.Value
                i.Value <- i.Value + 1
                if i.Value < text.Length && (text.[i.Value] = '+' || text.[i.Value] = '-') then i.Value <- i.Value + 1
                if digits () = 0 then malformed text e "an exponent's digits after 'e' (as in 1e-3)"
            if i.Value < text.Length && isIdentifierPart text.[i.Value] then malformed text i.Value "',' or ')' after a number"
            let s = text.Substring(start, i.Value - start)
            match Double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture) with
            | true, x when Double.IsFinite x -> OnnxExpr.Constant x
            | _ -> malformed text start (sprintf "a finite number (\"%s\" is out of range)" s)
        let rec expr (depth: int) : OnnxExpr =
            skipSpace ()
            if i.Value >= text.Length then malformed text i.Value "Z, a number or an op such as Sigmoid(Z)"
            let c = text.[i.Value]
            if c = '-' || c = '.' || Char.IsAsciiDigit c then number ()
            elif isIdentifierStart c then
                let start = i.Value
                while i.Value < text.Length && isIdentifierPart text.[i.Value] do
                    i.Value <- i.Value + 1
                let name = text.Substring(start, i.Value - start)
                skipSpace ()
                if i.Value < text.Length && text.[i.Value] = '(' then
                    if depth >= MaxDepth then malformed text start (sprintf "at most %d nested ops" MaxDepth)
                    i.Value <- i.Value + 1
                    let first = expr (depth + 1)
                    let args = ResizeArray [ first ]
                    skipSpace ()
                    while i.Value < text.Length && text.[i.Value] = ',' do
                        i.Value <- i.Value + 1
                        args.Add(expr (depth + 1))
                        skipSpace ()
                    expect ')' (sprintf "',' or ')' in the arguments of %s" name)
                    OnnxExpr.Op(name, List.ofSeq args, [])
                elif i.Value < text.Length && text.[i.Value] = '=' then
                    malformed text start "an argument: Z, a number or an op (attributes such as axis=-1 are not supported)"
                elif name = "Z" then OnnxExpr.Input
                else malformed text i.Value (sprintf "'(' after the op %s (the only variable is Z)" name)
            else malformed text i.Value "Z, a number or an op such as Sigmoid(Z)"
        let e = expr 0
        skipSpace ()
        if i.Value < text.Length then malformed text i.Value "the end of the expression (is a ')' unbalanced?)"
        if not (readsInput e) then
            Shape.fail "options" (sprintf "the ONNX expression \"%s\" never reads Z, the activation's input: it would be a constant." (excerpt text))
        e

    /// 1 for true, 0 for false: ONNX's booleans as numbers (Where reads any non-zero as true).
    let private ofBool (b: bool) = if b then 1.0 else 0.0

    /// One op of ONNX's default domain on its inputs' values, by ONNX's definition, or None for an op
    /// (or a number of inputs) this evaluator does not know.
    let private apply (op: string) (xs: float list) : float option =
        match op, xs with
        | "Add", [ a; b ] -> Some(a + b)
        | "Sub", [ a; b ] -> Some(a - b)
        | "Mul", [ a; b ] -> Some(a * b)
        | "Div", [ a; b ] -> Some(a / b)
        | "Pow", [ a; b ] -> Some(Math.Pow(a, b))
        | "Max", (_ :: _) -> Some(List.reduce max xs)
        | "Min", (_ :: _) -> Some(List.reduce min xs)
        | "Sum", (_ :: _) -> Some(List.sum xs)
        | "Mean", (_ :: _) -> Some(List.sum xs / float xs.Length)
        | "Neg", [ a ] -> Some(-a)
        | "Abs", [ a ] -> Some(abs a)
        | "Exp", [ a ] -> Some(exp a)
        | "Log", [ a ] -> Some(log a)
        | "Sqrt", [ a ] -> Some(sqrt a)
        | "Reciprocal", [ a ] -> Some(1.0 / a)
        | "Sigmoid", [ a ] -> Some(Activation.sigmoid a)
        | "Tanh", [ a ] -> Some(Math.Tanh a)
        | "Softplus", [ a ] -> Some(Activation.softplus a)
        | "Relu", [ a ] -> Some(if a > 0.0 then a else 0.0)
        | "Erf", [ a ] -> Some(MathNet.Numerics.SpecialFunctions.Erf a)
        | "Sin", [ a ] -> Some(sin a)
        | "Cos", [ a ] -> Some(cos a)
        | "Atan", [ a ] -> Some(atan a)
        | "Sinh", [ a ] -> Some(sinh a)
        | "Cosh", [ a ] -> Some(cosh a)
        | "Floor", [ a ] -> Some(floor a)
        | "Ceil", [ a ] -> Some(ceil a)
        | "Sign", [ a ] -> Some(if Double.IsNaN a then a else float (sign a))
        | "Identity", [ a ] -> Some a
        | "Greater", [ a; b ] -> Some(ofBool (a > b))
        | "Less", [ a; b ] -> Some(ofBool (a < b))
        | "Equal", [ a; b ] -> Some(ofBool (a = b))
        | "GreaterOrEqual", [ a; b ] -> Some(ofBool (a >= b))
        | "LessOrEqual", [ a; b ] -> Some(ofBool (a <= b))
        | "Not", [ a ] -> Some(ofBool (a = 0.0))
        | "And", [ a; b ] -> Some(ofBool (a <> 0.0 && b <> 0.0))
        | "Or", [ a; b ] -> Some(ofBool (a <> 0.0 || b <> 0.0))
        | "Where", [ c; a; b ] -> Some(if c <> 0.0 then a else b)
        | _ -> None

    /// The expression's value at z in double, computed here without ONNX from ONNX's definitions of its
    /// ops (Add, Sub, Mul, Div, Pow, Max, Min, Sum, Mean, Neg, Abs, Exp, Log, Sqrt, Reciprocal, Sigmoid,
    /// Tanh, Softplus, Relu, Erf, Sin, Cos, Atan, Sinh, Cosh, Floor, Ceil, Sign, Identity, the comparisons,
    /// Not, And, Or and Where, booleans as 1 and 0), or None when it holds another op, a parameter or a
    /// library body. Course: S04.
    let rec evaluate (e: OnnxExpr) (z: float) : float option =
        match e with
        | OnnxExpr.Input -> Some z
        | OnnxExpr.Constant x -> Some x
        | OnnxExpr.Parameter | OnnxExpr.Library _ -> None
        | OnnxExpr.Op(op, inputs, []) ->
            let values = inputs |> List.map (fun i -> evaluate i z)
            if values |> List.forall Option.isSome then apply op (List.map Option.get values) else None
        | OnnxExpr.Op _ -> None

    /// The relative error above which the expression and g are said to differ at a point:
    /// |e − g| / max(|e|, |g|, 1). Both compute in double, the same formula up to the order of the
    /// operations and the last bits of exp, log and tanh: a few ulps; a wrong expression (a factor, an
    /// op, a sign) is off by 1e-3 to 1 at some of the points. Course: S04.
    [<Literal>]
    let Tolerance = 1e-9

    /// The points a user's expression is checked at: −r, −r/3, −1/7, 0, 1/3, 1, r/2 and r for the law
    /// range r, those inside the domain.
    let private points (spec: CustomActivationSpec) =
        let r = spec.LawRange
        let lo, hi = spec.Domain
        [ -r; -r / 3.0; -1.0 / 7.0; 0.0; 1.0 / 3.0; 1.0; r / 2.0; r ] |> List.filter (fun z -> lo <= z && z <= hi)

    /// For a user's activation with an ONNX expression, the first point where the expression (evaluate)
    /// differs from g (its loops) by more than Tolerance, as a sentence naming the activation, z and both
    /// values; None when they agree at every point inside the domain, or when the expression holds an op
    /// evaluate does not know (then nothing is checked), or for any other activation. A value that is not
    /// finite on one side only is a difference. Course: S04.
    let mismatch (g: Activation) : string option =
        match g with
        | UserActivation c ->
            match c.Spec.Onnx with
            | None -> None
            | Some e ->
                let pts = points c.Spec
                let mine = pts |> List.map (evaluate e)
                if pts.IsEmpty || mine |> List.exists Option.isNone then None
                else
                    let theirs = Mat.toRowMajor (Activation.forward g (Mat.row (Array.ofList pts)))
                    List.zip pts (List.map Option.get mine)
                    |> List.mapi (fun k (z, x) -> z, x, theirs.[k])
                    |> List.tryFind (fun (_, x, y) ->
                        if Double.IsFinite x && Double.IsFinite y then abs (x - y) > Tolerance * max (max (abs x) (abs y)) 1.0
                        else not (x = y || (Double.IsNaN x && Double.IsNaN y)))
                    |> Option.map (fun (z, x, y) ->
                        let n (v: float) = v.ToString("R", CultureInfo.InvariantCulture)
                        sprintf "the ONNX expression of %s does not compute it: at z = %s the expression gives %s but %s gives %s (relative error above %g)."
                            c.Name (n z) (n x) c.Name (n y) Tolerance)
        | _ -> None

namespace Hybrid.Core.Interop

open System
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core

/// The core's activations for C# (issue 10 part 3): made and read by case name, no union case in
/// the caller. A new activation case is one line in `cases`. Course: S04.
/// Checked by: InteropSurfaceTests, ActivationDerivativeTests (tests/Hybrid.Tests).
[<AbstractClass; Sealed>]
type Activations =
    /// Case name -> constructor from the case's parameter (ignored by the cases without one).
    static member private Cases : (string * (float -> Activation)) list =
        [ "Identity", (fun _ -> Identity)
          "BinaryStep", (fun _ -> BinaryStep)
          "Sigmoid", (fun _ -> Sigmoid)
          "Tanh", (fun _ -> Tanh)
          "Arctan", (fun _ -> Arctan)
          "ReLU", (fun _ -> ReLU)
          "LeakyReLU", LeakyReLU
          "PReLU", PReLU
          "ELU", ELU
          "SoftPlus", (fun _ -> SoftPlus)
          "Softmax", (fun _ -> Softmax)
          "LogSoftmax", (fun _ -> LogSoftmax) ]

    /// The case names Create accepts, in declaration order.
    static member CaseNames : string[] = Activations.Cases |> List.map fst |> Array.ofList

    /// The activation of case `caseName` with parameter `parameter` (LeakyReLU's slope, PReLU's and
    /// ELU's α; ignored otherwise), validated: ArgumentException naming `paramName` when the
    /// parameter is out of range, or naming "caseName" for an unknown case.
    static member Create(caseName: string, parameter: float, paramName: string) : Activation =
        match Activations.Cases |> List.tryFind (fun (n, _) -> n = caseName) with
        | Some(_, make) ->
            let g = make parameter
            Activation.validate paramName g
            g
        | None -> raise (ArgumentException(sprintf "Unknown activation '%s'." caseName, "caseName"))

    /// The case name of g ("LeakyReLU" for LeakyReLU(0.01)).
    static member CaseName(g: Activation) : string =
        (Microsoft.FSharp.Reflection.FSharpValue.GetUnionFields(g, typeof<Activation>) |> fst).Name

    /// A readable name such as "ReLU" or "LeakyReLU(0.01)".
    static member Name(g: Activation) : string = Activation.name g

    /// The case's parameter (LeakyReLU slope, PReLU α, ELU α), or null for a case without one.
    static member Parameter(g: Activation) : Nullable<float> =
        match g with
        | LeakyReLU a | PReLU a | ELU a -> Nullable a
        | _ -> Nullable()

    /// g′(z) entry by entry, z one row (the core's Activation.derivative; ArgumentException for
    /// softmax, whose derivative is a Jacobian per row). Course: S04.
    static member Derivative(g: Activation, z: float[]) : float[] =
        if isNull z then nullArg "z"
        if z.Length = 0 then [||] else (Mat.toRows (Activation.derivative g (Mat.row z))).[0]

    /// g(z) for the one row z (element-wise; row-wise for softmax). Course: S04.
    static member Apply(g: Activation, z: float[]) : float[] =
        if isNull z then nullArg "z"
        if z.Length = 0 then [||] else (Mat.toRows (Activation.forward g (Mat.row z))).[0]

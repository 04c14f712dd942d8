/// The numeric seam: numeric storage and loops live in the seam files (Mat.fs,
/// Backend.fs, Gemm.fs, and the fast path's Kernels.fs and FastTraining.fs). Every
/// other core file calls named operations (Mat.mul, Mat.addRow, Mat.sumRows, Mat.rowSums,
/// Activation.forward, Loss.softmaxCrossEntropy, ...), not MathNet members or index loops over
/// matrices. This test scans src/Hybrid.Core/*.fs outside the seam for the patterns of direct
/// numeric work; the few lines allowed are listed below with their reason, and an allowed line
/// that no longer exists must leave the list (so the list only shrinks).
module Hybrid.Core.Tests.SeamTests

open System
open System.IO
open System.Text.RegularExpressions
open Xunit

let private root = SpecificationTests.root

/// The seam: the only core files that may touch storage, MathNet members and index loops.
let seamFiles = set [ "Mat.fs"; "Backend.fs"; "Gemm.fs"; "Kernels.fs"; "FastTraining.fs" ]

/// Direct numeric work: a qualified MathNet name (the `open` of the namespace, for the type
/// Matrix<float>, is fine), a MathNet member that maps, reduces, reshapes or copies a matrix, a
/// matrix builder, or an entry index M.[i, j].
let pattern =
    Regex(@"MathNet\.(?!Numerics\.LinearAlgebra$)|\.(Map|MapIndexed|Map2|RowSums|ColumnSums|PointwiseMultiply|PointwiseLog|Enumerate|Row|Column|ToRowMajorArray|ToRowArrays|ToColumnMajorArray|Transpose|Maximum|MaximumIndex|Sum|ToArray|Clone|SubMatrix|SetSubMatrix)\(|\.\[[A-Za-z0-9_+ -]+, *[A-Za-z0-9_+ -]+\]|(Matrix|Vector)<float>\.Build")

/// (file, trimmed line) pairs allowed outside the seam, each with its reason.
let allowed : (string * string) list =
    [ // ONNX's Erf evaluated for the export's check of a user's expression: a special function of one
      // number, not matrix work (MathNet's SpecialFunctions is the library's erf).
      "OnnxExpression.fs", "| \"Erf\", [ a ] -> Some(MathNet.Numerics.SpecialFunctions.Erf a)"
      // Maxout routes the gradient through the winning piece of each entry (S04, S10): the argmax
      // over pieces and its routing read most directly as a loop over entries.
      // (Maxout.winner and Maxout.routed are the one-entry definitions; the buffer version runs them too.)
      "Maxout.fs", "let best = winner Z.Length (fun j -> Z.[j].[i, c])"
      "Maxout.fs", "won.[i, c] <- best"
      "Maxout.fs", "A.[i, c] <- Z.[best].[i, c]"
      "Maxout.fs", "let dZ = Array.init layer.W.Length (fun j -> Mat.init dA.RowCount dA.ColumnCount (fun i c -> routed cache.Winner.[i, c] j dA.[i, c]))"
      // Central differences perturb one entry at a time: that is the definition (S11).
      "Numerical.fs", "let Xh = X.Clone()"
      "Numerical.fs", "let x = X.[i, j]"
      "Numerical.fs", "Xh.[i, j] <- x + h"
      "Numerical.fs", "let fPlus, sidePlus = f (Xh.Clone())"
      "Numerical.fs", "Xh.[i, j] <- x - h"
      "Numerical.fs", "let fMinus, sideMinus = f (Xh.Clone())"
      "Numerical.fs", "Xh.[i, j] <- x"
      "Numerical.fs", "G.[i, j] <- (fPlus - fMinus) / (2.0 * h)"
      "Numerical.fs", "straddles.[i, j] <- sidePlus <> sideMinus"
      "Numerical.fs", "worst <- { worst with Analytic = analytic.[0, 0]; Numerical = numerical.[0, 0] }"
      "Numerical.fs", "let a, n = analytic.[i, j], numerical.[i, j]"
      "Numerical.fs", "if excluded.[i, j] then worst <- { worst with Excluded = worst.Excluded + 1 }"
      // Not matrices: a confusion count in an int[,], and ResizeArray.ToArray.
      "Training.fs", "Array.iter2 (fun p a -> C.[a, p] <- C.[a, p] + 1) (classesOf loss Yhat) (classesOf loss Y)"
      "Graph.fs", "order.ToArray()"
      "Neurons.fs", "{ Neuron = n; MistakesPerEpoch = history.ToArray(); Converged = history.[history.Count - 1] = 0 }"
      "Split.fs", "buckets |> Array.map (fun b -> b.ToArray())"
      // The 2-D generators write each point's two coordinates as they draw it (S32 data, not math).
      "Synthetic.fs", "X.[i, 0] <- x + noise * Init.standardNormal rng"
      "Synthetic.fs", "X.[i, 1] <- y + noise * Init.standardNormal rng)" ]

/// The core's source files, in every chapter folder (src/Hybrid.Core/Numerics, Layers, Neurons,
/// Network, Training, Data), without build output.
let private coreFiles () =
    Directory.GetFiles(Path.Combine(root, "src", "Hybrid.Core"), "*.fs", SearchOption.AllDirectories)
    |> Array.filter (fun f ->
        let parts = f.Split([| Path.DirectorySeparatorChar; Path.AltDirectorySeparatorChar |])
        not (Array.contains "bin" parts || Array.contains "obj" parts))

/// Every (file, trimmed line) outside the seam that matches the pattern.
let private hits () =
    coreFiles ()
    |> Array.filter (fun f -> not (seamFiles.Contains(Path.GetFileName f)))
    |> Array.collect (fun f ->
        File.ReadAllLines f
        |> Array.map (fun l -> l.Trim())
        |> Array.filter (fun l -> not (l.StartsWith "//") && pattern.IsMatch l)
        |> Array.map (fun l -> Path.GetFileName f, l))
    |> List.ofArray

[<Fact>]
let ``S13 core files outside the numeric seam call named operations, not MathNet members or index loops`` () =
    let found = hits ()
    let stray = found |> List.filter (fun h -> not (List.contains h allowed))
    if not stray.IsEmpty then
        failwithf "direct numeric work outside the seam (move it behind a named operation in Mat.fs, or justify it in SeamTests.allowed):\n%s"
            (stray |> List.map (fun (f, l) -> sprintf "  %s: %s" f l) |> String.concat "\n")
    let stale = allowed |> List.filter (fun a -> not (List.contains a found))
    if not stale.IsEmpty then
        failwithf "allowed lines that no longer exist (remove them from SeamTests.allowed):\n%s"
            (stale |> List.map (fun (f, l) -> sprintf "  %s: %s" f l) |> String.concat "\n")

[<Fact>]
let ``S13 the seam scan recognises direct numeric work`` () =
    for line in [ "let s = Y.[i, j]"; "m.Map(fun x -> x)"; "let r = Z.RowSums()"; "MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(2, 2)"; "Matrix<float>.Build.Dense(1, 1)" ] do
        Assert.True(pattern.IsMatch line, line)
    for line in [ "open MathNet.Numerics.LinearAlgebra"; "Mat.addRow (Mat.mul X W) B"; "let r = Mat.rowSums Z"; "labels.[i]" ] do
        Assert.False(pattern.IsMatch line, line)

[<Fact>]
let ``S13 the seam scan reads every file the core compiles`` () =
    // A scan that finds no file passes vacuously: every Compile item of Hybrid.Core.fsproj (paths
    // relative to the project, in chapter folders) must be among the files scanned.
    let project = Path.Combine(root, "src", "Hybrid.Core")
    let compiled =
        [ for m in Regex.Matches(File.ReadAllText(Path.Combine(project, "Hybrid.Core.fsproj")), "<Compile Include=\"([^\"]+)\"") ->
            Path.GetFullPath(Path.Combine(project, m.Groups.[1].Value.Replace('\\', Path.DirectorySeparatorChar))) ]
    let scanned = set (coreFiles () |> Array.map Path.GetFullPath)
    Assert.True(compiled.Length >= 20, sprintf "only %d Compile items found: is the parser broken?" compiled.Length)
    let missing = compiled |> List.filter (fun f -> not (scanned.Contains f))
    Assert.True(List.isEmpty missing, sprintf "compiled but not scanned: %A" missing)

[<Fact>]
let ``Every seam file SeamTests lists exists in src/Hybrid.Core`` () =
    // A listed file that is gone (renamed, merged) would leave a stale exemption behind.
    let present = coreFiles () |> Array.map Path.GetFileName |> set
    let missing = seamFiles |> Set.filter (fun f -> not (present.Contains f))
    Assert.True(Set.isEmpty missing, sprintf "seam files listed but not in src/Hybrid.Core: %A" missing)

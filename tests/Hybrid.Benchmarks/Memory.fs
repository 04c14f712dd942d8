/// The training-memory harness (a measurement, not a timed test): one epoch of
/// the MLP 784-256-128-10 (SGD, batch 128) on 60,000×784 random rows through Trainer.Fit, each
/// path in its own child process, reporting the process's peak working set against the data's
/// size. Run: dotnet run -c Release --project tests/Hybrid.Benchmarks -- memory
module Hybrid.Benchmarks.Memory

open System
open System.Diagnostics
open Hybrid.Benchmarks.Workloads

let private mb (bytes: int64) = float bytes / 1048576.0

/// In the child: build the data, then train one epoch on `path` ("fast" or "reference") and print
/// one line: path, data MB, working set before the data, after the data, peak, epoch seconds.
let child (path: string) : int =
    use proc = Process.GetCurrentProcess()
    GC.Collect()
    proc.Refresh()
    let before = proc.WorkingSet64
    let x, y = mnistLike 1 60_000
    let dataBytes = int64 x.Length * 784L * 8L
    GC.Collect()
    proc.Refresh()
    let withData = proc.WorkingSet64
    let network = mlp ()
    let watch = Stopwatch.StartNew()
    let result = fitEpochOn (path = "reference") network x y 128
    let seconds = watch.Elapsed.TotalSeconds
    proc.Refresh()
    printfn "%s %.1f %.1f %.1f %.1f %.2f %.4f" path (mb dataBytes) (mb before) (mb withData) (mb proc.PeakWorkingSet64) seconds result.History.[0].TrainingLoss
    0

/// In the parent: one child per path, then the table.
let run () : int =
    let self = Environment.ProcessPath
    let dll = typeof<Hybrid.Benchmarks.Workloads.Product>.Assembly.Location
    let viaHost = IO.Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
    printfn "One epoch, MLP 784-256-128-10, SGD, batch 128, 60,000x784 random rows (double[][]), Trainer.Fit; %d cores." Environment.ProcessorCount
    printfn "%-10s %10s %14s %14s %12s %22s %10s %12s" "path" "data MB" "runtime MB" "+ data MB" "peak MB" "(peak - runtime)/data" "epoch s" "samples/s"
    for path in [ "fast"; "reference" ] do
        let info = ProcessStartInfo(self, (if viaHost then sprintf "\"%s\" memory-child %s" dll path else sprintf "memory-child %s" path))
        info.RedirectStandardOutput <- true
        info.UseShellExecute <- false
        use p = Process.Start info
        let line = p.StandardOutput.ReadToEnd().Trim()
        p.WaitForExit()
        match line.Split(' ') with
        | [| name; data; before; withData; peak; seconds; _ |] ->
            let f (s: string) = Double.Parse(s, Globalization.CultureInfo.InvariantCulture)
            printfn "%-10s %10.1f %14.1f %14.1f %12.1f %22.2f %10.1f %12.0f" name (f data) (f before) (f withData) (f peak) ((f peak - f before) / f data) (f seconds) (60000.0 / f seconds)
        | _ -> printfn "%s: child printed %A (exit %d)" path line p.ExitCode
    0

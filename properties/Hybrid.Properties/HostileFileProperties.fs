/// Hostile-file law: whatever a model file holds (a generated corruption, a truncation, a
/// huge declared size, deep nesting, a long string, a duplicated key, too many layers), Load either
/// returns a network (only when the change left a valid model) or raises InvalidDataException,
/// never another exception, within bounded time and with allocation bounded by the file's size
/// (GC.GetAllocatedBytesForCurrentThread around the Load). docs/model-format.md "Limits and policies".
module Hybrid.Properties.HostileFileProperties

open System
open System.Diagnostics
open System.IO
open System.Text
open FsCheck
open FsCheck.FSharp
open Hybrid

let private dir = Directory.CreateTempSubdirectory("hybrid-hostile-props-").FullName
let private model = Network.Create(3).Dense(4, Activation.PReLU 0.2).Dropout(0.3).Maxout(3, 2).Dense(2, Activation.Softmax).Build(Initializer.XavierNormal 1)
let private json = model.ToJson()
let private utf8 (s: string) = Encoding.UTF8.GetBytes s

/// The most a load may allocate: 16 bytes per byte of file plus 2 MiB (the 64 KiB token buffer, the
/// file stream, the exception and its message). A valid model of one-digit numbers needs 4× its size
/// in parameters; the DOM reader this replaced needed about 30×.
let allocationBound (fileBytes: int64) : int64 = 16L * fileBytes + (2L <<< 20)

/// The longest a load of these files may take (generous: the machine running the suite is shared).
let timeBound = TimeSpan.FromSeconds 5.0

/// A hostile file: a name for the report, its bytes, and whether the change may leave a valid model.
type Hostile =
    { Kind: string
      Bytes: byte[]
      MayBeValid: bool }
    override this.ToString() = sprintf "%s (%d bytes)" this.Kind this.Bytes.Length

let private insertAfterInputs (text: string) = json.Replace("\"inputs\":3,", "\"inputs\":3," + text + ",")

let hostile : Gen<Hostile> =
    let bytes = utf8 json
    gen {
        let! kind = Gen.elements [ "truncate"; "flip"; "splice"; "hugeInputs"; "hugeNumber"; "deepNesting"; "longString"; "longActivation"; "longKey"
                                   "duplicate"; "manyKeys"; "manyLayers"; "whitespace"; "controlChars" ]
        let! pos = Gen.choose (0, bytes.Length - 1)
        let! b = Gen.choose (0, 255)
        let! size = Gen.choose (1, 2_000_000)
        let! depth = Gen.choose (17, 200_000)
        let h (k: string) (data: byte[]) (valid: bool) = { Kind = k; Bytes = data; MayBeValid = valid }
        return
            match kind with
            | "truncate" -> h (sprintf "truncated at %d" pos) bytes.[.. pos - 1] false
            | "flip" -> let c = Array.copy bytes in c.[pos] <- byte b; h (sprintf "byte %d set to %d" pos b) c true
            | "splice" -> h (sprintf "bytes %d.. repeated" pos) (Array.concat [ bytes.[.. pos - 1]; bytes.[pos ..]; bytes.[pos ..] ]) false
            | "hugeInputs" -> h (sprintf "inputs %d" (size * 1000)) (utf8 (json.Replace("\"inputs\":3", sprintf "\"inputs\":%d" (size * 1000)))) false
            | "hugeNumber" -> h "a weight of 1e999" (utf8 (json.Replace("\"weights\":[[", "\"weights\":[[1e999,"))) false
            | "deepNesting" -> h (sprintf "nesting %d deep" depth) (utf8 (insertAfterInputs ("\"x\":" + String('[', depth) + String(']', depth)))) false
            | "longString" -> h (sprintf "an ignored string of %d characters" size) (utf8 (insertAfterInputs (sprintf "\"note\":\"%s\"" (String('a', size))))) (size <= 65_000)
            | "longActivation" -> h (sprintf "an activation name of %d characters" size) (utf8 (json.Replace("\"softmax\"", sprintf "\"%s\"" (String('s', size))))) false
            | "longKey" -> h (sprintf "a key of %d characters" size) (utf8 (insertAfterInputs (sprintf "\"%s\":1" (String('k', size))))) false
            | "duplicate" -> h "a duplicated version" (utf8 (json.Replace("\"version\":1", "\"version\":1,\"version\":1"))) false
            | "manyKeys" -> h (sprintf "%d unknown keys" (size % 5000 + 65)) (utf8 (insertAfterInputs (String.Join(",", Array.init (size % 5000 + 65) (sprintf "\"k%d\":0"))))) false
            | "manyLayers" ->
                let n = 100_001 + size % 1000
                let layers = String.Join(",", Array.create n "{\"type\":\"dropout\",\"rate\":0}")
                h (sprintf "%d layers" n) (utf8 (json.Replace("\"layers\":[", "\"layers\":[" + layers + ","))) false
            | "whitespace" -> h (sprintf "%d spaces" size) (utf8 (insertAfterInputs (String(' ', size) + "\"w\":0"))) true
            | _ -> h "CR LF and NUL in a name" (utf8 (json.Replace("\"softmax\"", "\"soft\\r\\n\\u0000max\""))) false
    }

/// Loads one hostile file and checks the outcome, the time and the allocation.
let check (f: Hostile) : unit =
    let path = Path.Combine(dir, "hostile.model.json")
    File.WriteAllBytes(path, f.Bytes)
    let watch = Stopwatch.StartNew()
    let before = GC.GetAllocatedBytesForCurrentThread()
    let outcome = try Network.Load path |> ignore; None with e -> Some e
    let allocated = GC.GetAllocatedBytesForCurrentThread() - before
    watch.Stop()
    match outcome with
    | None when f.MayBeValid -> ()
    | None -> failwithf "%O loaded" f
    | Some(:? InvalidDataException as e) ->
        if e.Message.Length > 1000 then failwithf "%O: a message of %d characters" f e.Message.Length
        if e.Message.IndexOfAny([| '\r'; '\n'; '\000' |]) >= 0 then failwithf "%O: a control character in the message" f
    | Some e -> failwithf "%O raised %s: %s" f (e.GetType().FullName) e.Message
    let bound = allocationBound f.Bytes.LongLength
    if allocated > bound then failwithf "%O allocated %d bytes, more than %d" f allocated bound
    if watch.Elapsed > timeBound then failwithf "%O took %O" f watch.Elapsed

let private law1 =
    do AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> try Directory.Delete(dir, true) with _ -> ())
    Spec.property "Façade / hostile model files / corruptions, truncations, huge sizes, deep nesting and long strings give InvalidDataException in bounded time and allocation" hostile check

/// A reader that holds the whole file (as the DOM reader this replaced did) fails here: a 2 MB
/// ignored string must cost less than a quarter of the file, since the streaming loader refuses
/// the token when its 64 KiB buffer fills.
let private law2 =
    Spec.example "Façade / hostile model files / a 2 MB ignored string is refused without reading it into memory" (fun () ->
        let big = utf8 (insertAfterInputs (sprintf "\"note\":\"%s\"" (String('a', 2_000_000))))
        let path = Path.Combine(dir, "big.model.json")
        File.WriteAllBytes(path, big)
        let before = GC.GetAllocatedBytesForCurrentThread()
        let outcome = try Network.Load path |> ignore; None with e -> Some e
        let allocated = GC.GetAllocatedBytesForCurrentThread() - before
        match outcome with
        | Some(:? InvalidDataException as e) when e.Message.Contains "longer than 65536 bytes" -> ()
        | o -> failwithf "expected InvalidDataException for the 64 KiB token limit, got %A" o
        if allocated > int64 big.Length / 4L then failwithf "allocated %d bytes for a %d-byte file" allocated big.Length)

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list = [ law1; law2 ]

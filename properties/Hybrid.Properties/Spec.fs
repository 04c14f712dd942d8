/// How every law of this project is stated and run: an Expecto test whose path reads
/// "course item / topic / law" (e.g. "S04 / activations / softmax rows sum to one"), so that
/// `--list-tests` prints the specification's table of contents. A law over generated cases is an
/// Expecto.FsCheck property (FsCheck 3 runs `Prop.forAll (Arb.fromGen gen) body`; a body fails by
/// returning false or by throwing); a worked example is a plain Expecto test case.
///
/// Cases per property come from Expecto's command line: `--fscheck-max-tests N` (default 100).
/// An expensive property runs a stated fraction of N (`scaled`), never fewer than 10 cases.
/// Replay of a failing run: FsCheck prints "(seed, gamma)" in the failure; set
/// HYBRID_PROPERTY_REPLAY="seed,gamma" and filter to that law (`--filter "S04/activations"`).
module Hybrid.Properties.Spec

open System
open Expecto
open FsCheck
open FsCheck.FSharp

/// One law: where it sits in the tree (course item, topic, law) and its Expecto test (labelled
/// with the last part of the path).
type Law = { Path: string list; Test: Test }

/// The separator of the parts of a law's path in the source (and in the docs' citations).
[<Literal>]
let Separator = " / "

let private split (path: string) : string list =
    let parts = path.Split(Separator) |> Array.map (fun s -> s.Trim()) |> List.ofArray
    if parts.Length < 2 || parts |> List.exists String.IsNullOrWhiteSpace then
        invalidArg (nameof path) (sprintf "A law's path is \"course item / topic / law\", got \"%s\"." path)
    parts

let private replay : (uint64 * uint64) option =
    match Environment.GetEnvironmentVariable "HYBRID_PROPERTY_REPLAY" with
    | null | "" -> None
    | s ->
        match s.Trim([| '('; ')'; ' ' |]).Split(',') with
        | [| a; b |] -> Some(UInt64.Parse(a.Trim()), UInt64.Parse(b.Trim()))
        | _ -> failwithf "HYBRID_PROPERTY_REPLAY must be 'seed,gamma' but is '%s'." s

/// Rewrites the FsCheck configuration Expecto hands to a property (built from the command line):
/// `fraction` of its case count (at least 10) and the replay seed if one is set.
let rec private withCases (fraction: float) (test: Test) : Test =
    let configure (c: FsCheckConfig) =
        { c with
            maxTest = if fraction = 1.0 then c.maxTest else max 10 (int (float c.maxTest * fraction))
            replay = match replay with Some(seed, gamma) -> Some(seed, gamma, None) | None -> c.replay }
    match test with
    | TestLabel(name, t, state) -> TestLabel(name, withCases fraction t, state)
    | TestList(ts, state) -> TestList(List.map (withCases fraction) ts, state)
    | TestCase(AsyncFsCheck(None, None, run), state) -> TestCase(AsyncFsCheck(None, None, configure >> run), state)
    | TestCase _ -> test
    | Test.Sequenced(m, t) -> Test.Sequenced(m, withCases fraction t)

/// A law over generated cases: `body` holds for every value of `gen` (shrinking as gen does). The
/// body returns bool (false fails) or unit (an exception fails).
let property (path: string) (gen: Gen<'a>) (body: 'a -> 'b) : Law =
    let parts = split path
    { Path = parts; Test = withCases 1.0 (testProperty (List.last parts) (Prop.forAll (Arb.fromGen gen) body)) }

/// Like property, with an explicit arbitrary (a generator and its shrinker).
let propertyArb (path: string) (arb: Arbitrary<'a>) (body: 'a -> 'b) : Law =
    let parts = split path
    { Path = parts; Test = withCases 1.0 (testProperty (List.last parts) (Prop.forAll arb body)) }

/// An expensive law runs `fraction` of the command line's case count (at least 10 cases).
let scaled (fraction: float) (law: Law) : Law = { law with Test = withCases fraction law.Test }

/// A worked example or a single stated value: a plain test that throws to fail.
let example (path: string) (body: unit -> unit) : Law =
    let parts = split path
    { Path = parts; Test = testCase (List.last parts) body }

/// The tree of laws: grouped by course item, then topic (items in ID order, laws in source order).
let tree (laws: Law list) : Test =
    let rec build (depth: int) (laws: Law list) : Test list =
        laws
        |> List.groupBy (fun l -> l.Path.[depth])
        |> List.collect (fun (name, group) ->
            let leaves, deeper = group |> List.partition (fun l -> l.Path.Length = depth + 1)
            (leaves |> List.map (fun l -> l.Test))
            @ (if deeper.IsEmpty then [] else [ testList name (build (depth + 1) deeper) ]))
    let isCourseItem (s: string) = s.Length = 3 && s.[0] = 'S' && Char.IsDigit s.[1] && Char.IsDigit s.[2]
    // Course items first, then the rest (the façade's laws); stable: source order within a group.
    let byItem = laws |> List.sortBy (fun l -> not (isCourseItem l.Path.Head), l.Path.Head)
    TestList(build 0 byItem, Normal)

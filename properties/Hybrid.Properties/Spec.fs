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

/// Whether laws draw fresh random seeds (HYBRID_PROPERTY_SEED=random: exploring, e.g. a soak run)
/// instead of their fixed ones.
let private randomSeeds : bool =
    match Environment.GetEnvironmentVariable "HYBRID_PROPERTY_SEED" with
    | null | "" -> false
    | "random" -> true
    | s -> failwithf "HYBRID_PROPERTY_SEED must be 'random' (or unset, for each law's fixed seed) but is '%s'." s

/// A law's own seed, fixed by its path (FNV-1a of the path; the gamma of FsCheck's SplitMix
/// generator must be odd): the default run is deterministic, every run of the suite checks the same
/// cases, and a failure reproduces by running the law again.
let private seedOf (path: string) : uint64 * uint64 =
    let mutable h = 14695981039346656037UL
    for c in path do h <- (h ^^^ uint64 c) * 1099511628211UL
    h, (h * 0x9E3779B97F4A7C15UL) ||| 1UL

/// Rewrites the FsCheck configuration Expecto hands to a property (built from the command line):
/// `fraction` of its case count (at least 10), and its seed: the replay seed if one is set, else the
/// law's own (`seed`) unless HYBRID_PROPERTY_SEED=random.
let rec private withCases (seed: (uint64 * uint64) option) (fraction: float) (test: Test) : Test =
    let configure (c: FsCheckConfig) =
        { c with
            maxTest = if fraction = 1.0 then c.maxTest else max 10 (int (float c.maxTest * fraction))
            replay =
                match replay, seed with
                | Some(s, gamma), _ -> Some(s, gamma, None)
                | None, Some(s, gamma) when not randomSeeds -> Some(s, gamma, None)
                | None, _ -> c.replay }
    match test with
    | TestLabel(name, t, state) -> TestLabel(name, withCases seed fraction t, state)
    | TestList(ts, state) -> TestList(List.map (withCases seed fraction) ts, state)
    | TestCase(AsyncFsCheck(None, None, run), state) -> TestCase(AsyncFsCheck(None, None, configure >> run), state)
    | TestCase _ -> test
    | Test.Sequenced(m, t) -> Test.Sequenced(m, withCases seed fraction t)

/// A law over generated cases: `body` holds for every value of `gen` (shrinking as gen does). The
/// body returns bool (false fails) or unit (an exception fails).
let property (path: string) (gen: Gen<'a>) (body: 'a -> 'b) : Law =
    let parts = split path
    { Path = parts; Test = withCases (Some(seedOf path)) 1.0 (testProperty (List.last parts) (Prop.forAll (Arb.fromGen gen) body)) }

/// Like property, with an explicit arbitrary (a generator and its shrinker).
let propertyArb (path: string) (arb: Arbitrary<'a>) (body: 'a -> 'b) : Law =
    let parts = split path
    { Path = parts; Test = withCases (Some(seedOf path)) 1.0 (testProperty (List.last parts) (Prop.forAll arb body)) }

/// An expensive law runs `fraction` of the command line's case count (at least 10 cases).
let scaled (fraction: float) (law: Law) : Law = { law with Test = withCases None fraction law.Test }

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

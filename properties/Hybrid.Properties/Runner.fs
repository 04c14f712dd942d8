/// The one way every property in this project is run: FsCheck 3 under a plain xUnit [<Fact>].
/// FsCheck.Xunit is not available here, so each [<Fact>] hands its property to Runner.check,
/// whose configuration throws on failure (with FsCheck's replay seed in the message), which
/// fails the fact. A property built but never handed to Runner.check checks nothing.
///
/// Environment:
///   HYBRID_PROPERTY_CASES   cases per property (default 100; e.g. 2000 for a deep run)
///   HYBRID_PROPERTY_REPLAY  "seed,gamma" from a failure message, to replay that exact run
module Hybrid.Properties.Runner

open System
open FsCheck
open FsCheck.FSharp

/// Cases per property: HYBRID_PROPERTY_CASES or 100.
let cases : int =
    match Environment.GetEnvironmentVariable "HYBRID_PROPERTY_CASES" with
    | null | "" -> 100
    | s ->
        match Int32.TryParse s with
        | true, n when n > 0 -> n
        | _ -> failwithf "HYBRID_PROPERTY_CASES must be a positive integer but is '%s'." s

let private replay : (uint64 * uint64) option =
    match Environment.GetEnvironmentVariable "HYBRID_PROPERTY_REPLAY" with
    | null | "" -> None
    | s ->
        match s.Trim([| '('; ')'; ' ' |]).Split(',') with
        | [| a; b |] -> Some(UInt64.Parse(a.Trim()), UInt64.Parse(b.Trim()))
        | _ -> failwithf "HYBRID_PROPERTY_REPLAY must be 'seed,gamma' but is '%s'." s

/// The configuration: quiet on success, throw on failure, `n` cases, optional replay.
let config (n: int) : Config =
    let c = Config.QuickThrowOnFailure.WithQuietOnSuccess(true).WithMaxTest(n)
    match replay with
    | Some(seed, gamma) -> c.WithReplay(seed, gamma)
    | None -> c

/// Runs a property with the default number of cases; throws (failing the test) on failure.
let check (property: Property) : unit = Check.One(config cases, property)

/// Runs a property with a scaled number of cases (for expensive properties: at least 10).
let checkScaled (fraction: float) (property: Property) : unit =
    Check.One(config (max 10 (int (float cases * fraction))), property)

/// Runs `body` over values of `gen` (no shrinking beyond what gen provides).
let forAll (gen: Gen<'a>) (body: 'a -> bool) : unit = check (Prop.forAll (Arb.fromGen gen) body)

/// Like forAll, with a body that asserts (throws) instead of returning bool.
let forAllAssert (gen: Gen<'a>) (body: 'a -> unit) : unit = check (Prop.forAll (Arb.fromGen gen) body)

/// Like forAll, with a custom arbitrary (a generator with its shrinker).
let forAllArb (arb: Arbitrary<'a>) (body: 'a -> bool) : unit = check (Prop.forAll arb body)

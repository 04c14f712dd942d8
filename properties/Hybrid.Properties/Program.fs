/// The specification suite: every law of properties/ in one Expecto tree, named
/// "course item / topic / law". Run it with
///
///     dotnet run --project properties/Hybrid.Properties -- --summary
///
/// and see docs/numerical.md for the deep run, filters, stress mode and replay.
module Hybrid.Properties.Program

open System
open Expecto

/// Every law, grouped by course item (S01..S34, then the façade's laws).
let specification : Test =
    Spec.tree (
        NeuronProperties.laws
        @ ActivationProperties.laws
        @ GraphProperties.laws
        @ MatProperties.laws
        @ DenseProperties.laws
        @ NetworkProperties.laws
        @ LossProperties.laws
        @ OptimizerProperties.laws
        @ RngProperties.laws
        @ UpdateRuleProperties.laws
        @ TrainingProperties.laws
        @ DataProperties.laws
        @ PcaProperties.laws
        @ SplitProperties.laws
        @ InitProperties.laws
        @ FacadeProperties.laws
        @ BadInputProperties.laws
        @ FastPathProperties.laws
        @ ResumeProperties.laws
        @ PrecisionProperties.laws
        @ HostileFileProperties.laws)

[<EntryPoint>]
let main argv =
    match Environment.GetEnvironmentVariable "HYBRID_PROPERTY_CASES" with
    | null | "" ->
        // Names print as "S04/activations/…": --filter "S04/softmax" selects by that prefix.
        Tests.runTestsWithCLIArgs [ CLIArguments.JoinWith "/" ] argv specification
    | _ ->
        eprintfn "HYBRID_PROPERTY_CASES is retired: pass --fscheck-max-tests N to this program instead (docs/numerical.md)."
        2

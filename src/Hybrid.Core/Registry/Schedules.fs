namespace Hybrid.Core

/// The learning-rate schedules by name (S27, S28), every name written once: the command line's
/// `--schedule NAME:PARAMETER:...` and the C# spelling read this table; each row makes its
/// Schedule case from the parameters (the defaults are the examples the command line shows).
/// Checked by: RegistryTests (tests/Hybrid.Cli.Tests).
module ScheduleRegistry =

    let private p name symbol value = { Name = name; Symbol = symbol; Default = value }

    /// Every named schedule, in the order the command line lists them.
    let all : Named<Schedule> list =
        [ { Make = (fun _ -> ConstantRate); Parameters = []; Cli = "constant"; Playground = None; Display = "Constant"
            Formula = "η_e = η0"; CSharp = "LearningRateSchedule.Constant" }
          { Make = (fun h -> StepDecay(int h.[0], h.[1])); Parameters = [ p "every" "k" 10.0; p "factor" "γ" 0.5 ]; Cli = "step"; Playground = None
            Display = "Step decay"; Formula = "η_e = η0·γ^⌊e/k⌋"; CSharp = "LearningRateSchedule.Step({0}, {1})" }
          { Make = (fun h -> ExponentialDecay h.[0]); Parameters = [ p "factor" "γ" 0.95 ]; Cli = "exp"; Playground = None
            Display = "Exponential decay"; Formula = "η_e = η0·γ^e"; CSharp = "LearningRateSchedule.Exponential({0})" } ]
        |> fun table -> Named.checkUnique "ScheduleRegistry" table; table

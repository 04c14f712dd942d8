namespace Hybrid.Core

open System

/// A learning-rate schedule: η as a function of the epoch e = 0, 1, 2, ... (constant within an
/// epoch), from the initial rate η0.
type Schedule =
    /// η_e = η0.
    | ConstantRate
    /// Step decay: η_e = η0·γ^⌊e / k⌋ (multiply by γ every k epochs).
    | StepDecay of every: int * factor: float
    /// Exponential decay: η_e = η0·γ^e (multiply by γ every epoch).
    | ExponentialDecay of factor: float

/// Learning-rate schedules (S27, S28: the η of θ ← θ − η·g, varied over training). Each has a
/// recurrence (how η changes from one epoch to the next) and a closed form; the trainer uses the
/// closed form, and UpdateRuleProperties "S28 / schedules / a schedule equals its closed form at every step"
/// checks that the recurrence iterated from η0 agrees with it.
module Schedule =

    /// Checks a schedule's parameters: k ≥ 1 and 0 &lt; γ ≤ 1. Checked by: BadInputProperties.
    let validate (paramName: string) (schedule: Schedule) : unit =
        let factor (g: float) =
            if not (g > 0.0 && g <= 1.0) then Shape.fail paramName (sprintf "the decay factor must lie in (0, 1] but is %g." g)
        match schedule with
        | ConstantRate -> ()
        | StepDecay(k, g) ->
            if k < 1 then Shape.fail paramName (sprintf "the step decay period must be at least 1 epoch but is %d." k)
            factor g
        | ExponentialDecay g -> factor g

    /// The closed form η_e: η0 (constant), η0·γ^⌊e/k⌋ (step), η0·γ^e (exponential).
    /// Course: S27, S28. Checked by: UpdateRuleProperties "S28 / schedules / a schedule equals its closed form at every step".
    let rate (schedule: Schedule) (eta0: float) (epoch: int) : float =
        Shape.positive "eta0" eta0
        if epoch < 0 then Shape.fail "epoch" (sprintf "epoch must be >= 0 but is %d." epoch)
        validate "schedule" schedule
        match schedule with
        | ConstantRate -> eta0
        | StepDecay(k, g) -> eta0 * Math.Pow(g, float (epoch / k))
        | ExponentialDecay g -> eta0 * Math.Pow(g, float epoch)

    /// The recurrence: η_(e+1) from η_e (e is the epoch being left): constant keeps η;
    /// step multiplies by γ when (e + 1) is a multiple of k; exponential multiplies by γ.
    /// Course: S27, S28. Checked by: UpdateRuleProperties "S28 / schedules / a schedule equals its closed form at every step" (against `rate`).
    let next (schedule: Schedule) (epoch: int) (eta: float) : float =
        match schedule with
        | ConstantRate -> eta
        | StepDecay(k, g) -> if (epoch + 1) % k = 0 then eta * g else eta
        | ExponentialDecay g -> eta * g

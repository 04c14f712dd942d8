namespace Hybrid.Core

open MathNet.Numerics.LinearAlgebra

/// Gradient checking of a whole network (S26).
module NetworkCheck =

    /// The loss J(θ) + λ·Σ_weights ‖W‖² of the network on (X, Y), dropout off: the function whose
    /// gradient backprop returns (`Network.lossAndGradientWith l2 None`). Course: S17, S23.
    let private objective (l2: float) (loss: Loss) (X: Matrix<float>) (Y: Matrix<float>) (net: Network) : float =
        let penalty =
            if l2 = 0.0 then 0.0
            else List.zip (Network.parameters net) (Network.isWeight net) |> List.sumBy (fun (p, w) -> if w then Regularization.l2 l2 p else 0.0)
        Network.loss loss net X Y + penalty

    /// Which smooth piece of the network's function the rows of X lie on: every layer's Regions
    /// after a forward pass at inference (empty lists for a network without kinks). Course: S26.
    let regions (net: Network) (X: Matrix<float>) : int[] list =
        let _, caches = Network.forwardCache None net X
        List.map2 (fun (layer: Layer) cache -> layer.Regions cache) net.Layers caches

    /// As `check`, against a given analytic gradient (aligned with `Network.parameters`): the
    /// comparison itself, so a wrong gradient can be shown to fail. Course: S26.
    /// Checked by: NetworkCheckTests "the check finds a wrong gradient and where it is".
    let checkAgainst (h: float) (tiny: float) (l2: float) (loss: Loss) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) (analytic: Matrix<float> list) : (string * GradientCheck) list =
        let ps = Network.parameters net
        if List.length analytic <> List.length ps then
            Shape.fail "analytic" (sprintf "the network has %d parameter matrices but %d gradients were given." ps.Length analytic.Length)
        let J = objective l2 loss X Y
        // Only a network with kinks pays for the second forward pass that finds straddling steps.
        let kinked = regions net X |> List.exists (fun r -> r.Length > 0)
        List.zip3 (Network.parameterNames net) ps analytic
        |> List.mapi (fun index (name, p, a) ->
            let at q = Network.withParameters net (List.mapi (fun i r -> if i = index then q else r) ps)
            let numerical, straddles =
                Numerical.gradientAndSides h (fun q -> let candidate = at q in J candidate, (if kinked then regions candidate X else [])) p
            name, Numerical.checkExcluding tiny a numerical straddles)

    /// For every parameter matrix θ_p (order and names of `Network.parameters` /
    /// `Network.parameterNames`): backprop's ∂J/∂θ_p against the central differences
    /// (J(θ_p + h·e_ij) − J(θ_p − h·e_ij)) / 2h of the whole network's loss, each entry in turn,
    /// compared by `Numerical.checkExcluding tiny` (max |a − n| / max(|a|, |n|, tiny) and where). J includes
    /// λ·Σ‖W‖² when l2 = λ > 0; dropout is off. An entry whose two steps θ ± h·e_ij put some
    /// pre-activation on different sides of a kink (ReLU's 0, a maxout's change of winner: the
    /// layers' Regions differ) is left out and counted (GradientCheck.Excluded): there the central
    /// difference averages two slopes and estimates no derivative (cs231n's "kinks in the
    /// objective"). Costs 2·(parameter count) + 1 loss evaluations, twice that with kinks.
    /// Shapes: X n×d_in, Y n×d_out -> one (name, check) per parameter matrix.
    /// Course: S26 (gradient checking), S16, S17.
    /// Checked by: NetworkCheckTests "every parameter of a small network agrees with central differences"
    /// and "the check finds a wrong gradient and where it is".
    let check (h: float) (tiny: float) (l2: float) (loss: Loss) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) : (string * GradientCheck) list =
        let _, analytic = Network.lossAndGradientWith l2 None loss net X Y
        checkAgainst h tiny l2 loss net X Y analytic

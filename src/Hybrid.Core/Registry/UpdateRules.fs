namespace Hybrid.Core

/// The update rules by name (S27, S28 and the adaptive refinements), every name written once: the
/// command line's `--optimizer`, the playground's menu, its explain panel and its "Copy as C#"
/// read this table. Each row makes its UpdateRule case from the hyper-parameters (the learning
/// rate η comes from the schedule, not from the rule). Checked by: RegistryTests (tests/Hybrid.Cli.Tests).
module UpdateRuleRegistry =

    let private p name symbol value = { Name = name; Symbol = symbol; Default = value }

    /// Every named update rule, in the order the command line lists them.
    let all : Named<UpdateRule> list =
        [ { Make = (fun _ -> PlainSgd); Parameters = []; Cli = "sgd"; Playground = Some "sgd"; Display = "Minibatch SGD (S27, S28)"
            Formula = "θ ← θ − η·g, g the gradient of one minibatch"; CSharp = "Optimizer.Sgd({0})" }
          { Make = (fun h -> Momentum h.[0]); Parameters = [ p "momentum" "μ" 0.9 ]; Cli = "momentum"; Playground = Some "momentum"; Display = "Momentum"
            Formula = "v ← μ·v − η·g; θ ← θ + v"; CSharp = "Optimizer.Momentum({0})" }
          { Make = (fun h -> Nesterov h.[0]); Parameters = [ p "momentum" "μ" 0.9 ]; Cli = "nesterov"; Playground = Some "nesterov"; Display = "Nesterov"
            Formula = "v ← μ·v − η·g; θ ← θ + μ·v − η·g"; CSharp = "Optimizer.Nesterov({0})" }
          { Make = (fun h -> AdaGrad h.[0]); Parameters = [ p "epsilon" "ε" 1e-8 ]; Cli = "adagrad"; Playground = Some "adagrad"; Display = "AdaGrad"
            Formula = "G ← G + g⊙g; θ ← θ − η·g ⊘ (√G + ε)"; CSharp = "Optimizer.AdaGrad({0})" }
          { Make = (fun h -> RmsProp(h.[0], h.[1])); Parameters = [ p "decay" "ρ" 0.9; p "epsilon" "ε" 1e-8 ]; Cli = "rmsprop"; Playground = Some "rmsprop"; Display = "RMSProp"
            Formula = "s ← ρ·s + (1 − ρ)·g⊙g; θ ← θ − η·g ⊘ (√s + ε)"; CSharp = "Optimizer.RmsProp({0})" }
          { Make = (fun h -> Adam(h.[0], h.[1], h.[2])); Parameters = [ p "beta1" "β1" 0.9; p "beta2" "β2" 0.999; p "epsilon" "ε" 1e-8 ]
            Cli = "adam"; Playground = Some "adam"; Display = "Adam"
            Formula = "m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g⊙g; m̂ = m/(1 − β1ᵗ); v̂ = v/(1 − β2ᵗ); θ ← θ − η·m̂ ⊘ (√v̂ + ε)"
            CSharp = "Optimizer.Adam({0})" } ]
        |> fun table -> Named.checkUnique "UpdateRuleRegistry" table; table

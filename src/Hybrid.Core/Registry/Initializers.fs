namespace Hybrid.Core

/// The initialisers by name (S31), every name written once: the command line's `--init`, the
/// playground's menu, its explain panel and its "Copy as C#" read this table. None stands for
/// the per-layer default (Init.forActivation). "xavier" is the slides' Xavier, randn/√fan_in
/// (LeCunNormal, variance 1/fan_in); Glorot's 2/(fan_in + fan_out) (the XavierNormal case) is
/// "glorot". Checked by: RegistryTests (tests/Hybrid.Cli.Tests).
module InitializerRegistry =

    let private entry cli playground display formula csharp init =
        { Make = (fun (_: float[]) -> init); Parameters = []; Cli = cli; Playground = playground
          Display = display; Formula = formula; CSharp = csharp }

    /// Every named initialiser, in the order the command line lists them.
    let all : Named<Initializer option> list =
        [ entry "he" (Some "he") "He normal (S31)" "W ~ N(0, 2/fan_in), b = 0: the slides' randn/√(fan_in/2)" "Initializer.HeNormal({0})" (Some HeNormal)
          entry "xavier" (Some "xavier") "Xavier, the slides' randn/√fan_in (S31)" "W ~ N(0, 1/fan_in), b = 0 (LeCun normal)" "Initializer.LeCunNormal({0})" (Some LeCunNormal)
          entry "glorot" (Some "glorot") "Glorot normal (S31)" "W ~ N(0, 2/(fan_in + fan_out)), b = 0" "Initializer.XavierNormal({0})" (Some XavierNormal)
          entry "lecun" (Some "lecun") "LeCun normal (S31)" "W ~ N(0, 1/fan_in), b = 0 (the slides' \"Xavier\")" "Initializer.LeCunNormal({0})" (Some LeCunNormal)
          entry "small" (Some "small") "Small random (S31)" "W = 0.01·N(0, 1): activations shrink layer by layer in a deep tanh net" "Initializer.SmallRandom({0})" (Some SmallRandom)
          entry "large" (Some "large") "Large random (S31)" "W = N(0, 1): tanh units saturate at ±1, gradients vanish" "Initializer.Normal(1.0, {0})" (Some(Normal 1.0))
          entry "zeros" (Some "zeros") "Zeros (S31)" "W = 0: every unit of a layer computes and learns the same (symmetry)" "Initializer.Zeros()" (Some Zeros)
          entry "default" (Some "default") "Default (S31)" "He normal before ReLU, leaky ReLU, PReLU and ELU layers; Glorot otherwise" "Initializer.Default({0})" None
          entry "he-uniform" None "He uniform (S31)" "W ~ U(±√(6/fan_in)), b = 0" "Initializer.HeUniform({0})" (Some HeUniform)
          entry "glorot-uniform" None "Glorot uniform (S31)" "W ~ U(±√(6/(fan_in + fan_out))), b = 0" "Initializer.XavierUniform({0})" (Some XavierUniform)
          entry "lecun-uniform" None "LeCun uniform (S31)" "W ~ U(±√(3/fan_in)), b = 0" "Initializer.LeCunUniform({0})" (Some LeCunUniform) ]
        |> fun table -> Named.checkUnique "InitializerRegistry" table; table

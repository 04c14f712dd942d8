/// The S31 activation-statistics experiment as `hybrid experiment init-stats` runs it; the
/// slides'-size reproduction is in Experiments.fs.
module Hybrid.Core.Tests.ActivationStatisticsTests

open System
open Xunit
open Hybrid.Core

[<Fact>]
let ``histogram puts each value in its bin and the last edge in the last bin`` () =
    // bins [0,1) [1,2) [2,4]: 0 and 0.5 -> bin 0; 1 -> bin 1; 3.9 and 4 -> bin 2; -1 and 5 outside.
    Assert.Equal<int[]>([| 2; 1; 2 |], ActivationStatistics.histogram [| 0.0; 1.0; 2.0; 4.0 |] [ 0.0; 0.5; 1.0; 3.9; 4.0; -1.0; 5.0 ])

[<Fact>]
let ``mean and std of a known matrix`` () =
    let mean, std = ActivationStatistics.meanStd (Mat.ofRows [| [| 1.0; 2.0 |]; [| 3.0; 4.0 |] |])
    Assert.Equal(2.5, mean, 12)
    Assert.Equal(sqrt 1.25, std, 12) // deviations ±0.5, ±1.5: mean square (0.25 + 2.25) / 2

[<Fact>]
let ``identity with a constant initialiser gives the closed-form std`` () =
    // Layer 1: every entry is 0.1·Σ_k X_ik over 50 standard normals: variance 0.01·50 = 0.5.
    // Layer 2: every entry is 0.1·Σ_j A1_ij = 0.1·50·A1_i0 = 5·A1_i0, so std2 = 5·std1 exactly.
    let layers = ActivationStatistics.layers Identity (Constant 0.1) 7 5000 50 2
    Assert.Equal(2, layers.Length)
    let _, s1 = ActivationStatistics.meanStd layers.[0]
    let _, s2 = ActivationStatistics.meanStd layers.[1]
    // 5000 independent rows: the sample std's relative error is about 1/√(2·5000) = 0.7%; 4% is > 5σ.
    Assert.InRange(s1, sqrt 0.5 * 0.96, sqrt 0.5 * 1.04)
    Assert.Equal(5.0, s2 / s1, 9)

[<Fact>]
let ``ReLU with He keeps the closed-form std of layer 1`` () =
    // z ~ N(0, 2) (He: Var W = 2/fan_in, inputs of unit variance); ReLU(z) has E[a²] = 1,
    // E[a] = √2/√(2π), so std = √(1 − 1/π) ≈ 0.8257.
    let stats = ActivationStatistics.run ReLU HeNormal 3 2 400 200 2 20
    Assert.InRange(stats.[0].Std, sqrt (1.0 - 1.0 / Math.PI) * 0.96, sqrt (1.0 - 1.0 / Math.PI) * 1.04)

[<Fact>]
let ``statistics average over seeds`` () =
    let both = ActivationStatistics.run Tanh LeCunNormal 5 2 100 30 3 10
    let a = ActivationStatistics.run Tanh LeCunNormal 5 1 100 30 3 10
    let b = ActivationStatistics.run Tanh LeCunNormal 6 1 100 30 3 10
    for l in 0 .. 2 do
        Assert.Equal((a.[l].Std + b.[l].Std) / 2.0, both.[l].Std, 12)
        Assert.Equal((a.[l].Mean + b.[l].Mean) / 2.0, both.[l].Mean, 12)
        Assert.Equal(2 * 100 * 30, Array.sum both.[l].Counts)
        Assert.Equal(l + 1, both.[l].Layer)

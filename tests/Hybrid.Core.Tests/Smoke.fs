module Smoke
open Xunit
open Hybrid.Core
[<Fact>]
let ``zeros has the asked shape`` () =
    let m = Mat.zeros 2 3
    Assert.Equal(2, m.RowCount)
    Assert.Equal(3, m.ColumnCount)

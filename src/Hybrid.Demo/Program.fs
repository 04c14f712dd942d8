open Hybrid.Core
printfn "%A" (Mat.zeros 2 2)

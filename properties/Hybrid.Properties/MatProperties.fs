/// Laws of the core's matrix products (the SIMD kernel behind Mat.mul, mulTN, mulNT). The
/// second law uses shapes of at least 130³ ≈ 2.2e6 multiply-adds, above the kernel's parallel threshold.
module Hybrid.Properties.MatProperties

open FsCheck.FSharp
open Hybrid.Core
open Hybrid.Properties.Generators

/// Shapes 1..40 cover every remainder of the kernel's 8-row × 4-column tile.
let private product =
    gen {
        let! n, k, m = Gen.zip3 (dim 40) (dim 40) (dim 40)
        let! A = matrix 1.0 n k
        let! B = matrix 1.0 k m
        return A, B
    }

// Entries in [−1, 1] and k ≤ 150 terms: each sum is at most 150 in size, summed in another order
// than MathNet's; the difference is a few ulps of 150, far below 1e-12 (absolute near 0).

let private law1 =
    Spec.property "S13 / products / A·B, Aᵀ·B and A·Bᵀ equal MathNet's" product (fun (A, B) ->
        Tolerance.expectClose "A·B" 1e-12 (A * B) (Mat.mul A B)
        Tolerance.expectClose "Aᵀ·(A·B)" 1e-12 (A.TransposeThisAndMultiply(A * B)) (Mat.mulTN A (A * B))
        Tolerance.expectClose "A·Bᵀ" 1e-12 (A.TransposeAndMultiply(B.Transpose())) (Mat.mulNT A (B.Transpose())))

let private law2 =
    let big =
        gen {
            let! n, k, m = Gen.zip3 (Gen.choose (130, 150)) (Gen.choose (130, 150)) (Gen.choose (130, 150))
            let! A = matrix 1.0 n k
            let! B = matrix 1.0 k m
            return A, B
        }
    Spec.scaled 0.1 (Spec.property "S13 / products / above the parallel threshold they equal MathNet's" big (fun (A, B) ->
        Tolerance.expectClose "A·B" 1e-12 (A * B) (Mat.mul A B)
        Tolerance.expectClose "A·Bᵀ" 1e-12 (A.TransposeAndMultiply(B.Transpose())) (Mat.mulNT A (B.Transpose()))))

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list =
    [ law1
      law2 ]

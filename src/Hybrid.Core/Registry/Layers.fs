namespace Hybrid.Core

/// The layer registry: every layer kind once, with its model-file name and reader. The model
/// file's writer and reader, the façade's layer kinds and the checks that walk every kind read
/// this list. Course: S04, S14, S34.
module Layers =

    /// Every layer kind, in the order the docs list them.
    let all : LayerKind list = [ denseKind; maxoutKind; dropoutKind; layerNormKind ]

    /// The kind with this model-file name (exact spelling), built in or a user's registered one
    /// (UserLayers.register), or None.
    let tryFind (kind: string) : LayerKind option =
        match all |> List.tryFind (fun k -> k.Kind = kind) with
        | None -> UserLayers.registered () |> List.tryFind (fun k -> k.Kind = kind)
        | found -> found   // as found: reading a layer allocates nothing here (HostileFileProperties bounds it)

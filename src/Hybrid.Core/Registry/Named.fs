namespace Hybrid.Core

open System
open System.Globalization

/// One hyper-parameter of a named value: the façade's parameter name, the symbol the formulas
/// use, and the default.
type HyperParameter =
    { /// The façade factory's parameter name ("beta1").
      Name: string
      /// The formulas' symbol ("β1").
      Symbol: string
      /// The default value.
      Default: float }

/// One row of a name table (the initialisers, the update rules, the schedules): how the value is
/// made from its hyper-parameters and every name it goes by, each written here once. The command
/// line, the playground's menus, its explain panel and its "Copy as C#" are read from these rows.
type Named<'T> =
    { /// Makes the value from the hyper-parameters, given in the order of Parameters.
      Make: float[] -> 'T
      /// The hyper-parameters with their defaults (empty when there are none).
      Parameters: HyperParameter list
      /// The name on the command line ("adam").
      Cli: string
      /// The name in the playground's menu, or None when the playground does not offer it.
      Playground: string option
      /// The display name ("Adam"); the explain panel adds the defaults.
      Display: string
      /// The one-line formula of the explain panel.
      Formula: string
      /// The façade expression that makes the value, as "Copy as C#" writes it: "{0}" stands for
      /// the learning rate or seed, "{0}", "{1}", ... for the parameters of a schedule.
      CSharp: string }

/// The functions every name table shares.
module Named =

    /// A number as the explain panel shows it: "0.9", "1e-8".
    let show (x: float) : string =
        if x <> 0.0 && abs x < 1e-3 then x.ToString("0.###e0", CultureInfo.InvariantCulture)
        else x.ToString("R", CultureInfo.InvariantCulture)

    /// The value with the default hyper-parameters.
    let defaultValue (entry: Named<'T>) : 'T =
        entry.Make(entry.Parameters |> List.map (fun p -> p.Default) |> Array.ofList)

    /// The explain panel's title: the display name and the defaults, "Adam, β1 = 0.9, β2 = 0.999, ε = 1e-8".
    let title (entry: Named<'T>) : string =
        String.Join(", ", entry.Display :: (entry.Parameters |> List.map (fun p -> sprintf "%s = %s" p.Symbol (show p.Default))))

    /// Fails when two rows share a command-line or playground name (names compare ignoring case,
    /// hyphens and underscores, as the command line reads them).
    let checkUnique (table: string) (entries: Named<'T> list) : unit =
        let key (s: string) = s.Replace("-", "").Replace("_", "").ToLowerInvariant()
        let clash names =
            names |> List.countBy key |> List.tryFind (fun (_, n) -> n > 1)
        match clash (entries |> List.map (fun e -> e.Cli)), clash (entries |> List.choose (fun e -> e.Playground)) with
        | Some(name, _), _ | _, Some(name, _) -> invalidOp (sprintf "%s: the name '%s' is used twice." table name)
        | None, None -> ()

/// The specification holds together: every check a core doc comment cites exists, and every
/// course item is cited by the docs and by a test or property. These read the repository's own
/// files (found from the test assembly's folder upwards), never anything outside it.
module Hybrid.Core.Tests.SpecificationTests

open System
open System.IO
open System.Text.RegularExpressions
open Xunit

/// The repository root: the nearest folder above the test assembly that holds Hybrid.sln.
let private root =
    let rec up (d: DirectoryInfo) =
        if isNull d then failwith "Hybrid.sln not found above the test assembly"
        elif File.Exists(Path.Combine(d.FullName, "Hybrid.sln")) then d.FullName
        else up d.Parent
    up (DirectoryInfo AppContext.BaseDirectory)

let private sources (folder: string) (pattern: string) =
    Directory.GetFiles(Path.Combine(root, folder), pattern, SearchOption.AllDirectories)
    |> Array.filter (fun f -> not (f.Contains $"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}" || f.Contains $"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))

let private squash (s: string) = Regex.Replace(s, @"\s+", " ").Trim()

/// A law's path as the docs cite it: "S04 / softmax / rows sum to one" (spaces around each "/").
let private path (s: string) = Regex.Replace(squash s, @"\s*/\s*", " / ")

/// Every test and property name: F# ``...`` test names in tests/, the Expecto laws of properties/
/// (Spec.property / Spec.propertyArb / Spec.example "course item / topic / law"), and C# test
/// method names.
let private testNames =
    let cs = sources "tests" "*.cs"
    set [
        for f in sources "tests" "*.fs" do
            for m in Regex.Matches(File.ReadAllText f, "``([^`]+)``") -> squash m.Groups.[1].Value
        for f in sources "properties" "*.fs" do
            for m in Regex.Matches(File.ReadAllText f, "Spec\\.(?:property|propertyArb|example) \"([^\"]+)\"") -> path m.Groups.[1].Value
        for f in cs do
            for m in Regex.Matches(File.ReadAllText f, @"public (?:async Task|void) (\w+)\(") -> m.Groups.[1].Value ]

[<Fact>]
let ``Every check named in a core doc comment exists`` () =
    let cited =
        [ for f in sources "src/Hybrid.Core" "*.fs" do
            let joined = Regex.Replace(File.ReadAllText f, @"\n\s*///\s*", " ")
            for m in Regex.Matches(joined, "Checked by:([^\n]*)") do
                for q in Regex.Matches(m.Groups.[1].Value, "\"([^\"]+)\"") -> Path.GetFileName f, squash q.Groups.[1].Value ]
    Assert.True(cited.Length > 50, sprintf "only %d citations found: is the parser broken?" cited.Length)
    let missing = cited |> List.filter (fun (_, q) -> not (testNames.Contains q || testNames.Contains(path q)))
    Assert.True(List.isEmpty missing, sprintf "cited but not found: %A" missing)

[<Fact>]
let ``Every course item S01-S34 is cited in docs and by a test or property`` () =
    let text folder patterns = patterns |> Array.collect (sources folder) |> Array.map File.ReadAllText |> String.concat "\n"
    let docs = text "docs" [| "*.md" |]
    let checks = text "tests" [| "*.fs"; "*.cs" |] + text "properties" [| "*.fs" |]
    let ids = [ for i in 1 .. 34 -> sprintf "S%02d" i ]
    let notInDocs = ids |> List.filter (fun id -> not (docs.Contains id))
    let notChecked = ids |> List.filter (fun id -> not (checks.Contains id))
    Assert.True(List.isEmpty notInDocs, sprintf "not in docs: %A" notInDocs)
    Assert.True(List.isEmpty notChecked, sprintf "not cited by a check: %A" notChecked)

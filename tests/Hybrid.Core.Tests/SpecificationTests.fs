/// The specification holds together: every check a core doc comment cites exists, and every
/// course item is cited by the docs and by a test or property. These read the repository's own
/// files (found from the test assembly's folder upwards), never anything outside it.
module Hybrid.Core.Tests.SpecificationTests

open System
open System.IO
open System.Text.RegularExpressions
open Xunit

/// The repository root: the nearest folder above the test assembly that holds Hybrid.sln.
let root =
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

/// The laws of properties/ by their Expecto path ("course item / topic / law").
let private lawNames =
    [ for f in sources "properties" "*.fs" do
        for m in Regex.Matches(File.ReadAllText f, "Spec\\.(?:property|propertyArb|example) \"([^\"]+)\"") -> path m.Groups.[1].Value ]

/// Every test and property name: F# ``...`` test names in tests/, the Expecto laws of properties/
/// (Spec.property / Spec.propertyArb / Spec.example "course item / topic / law"), and C# test
/// method names.
let private testNames =
    let cs = sources "tests" "*.cs"
    set [
        for f in sources "tests" "*.fs" do
            for m in Regex.Matches(File.ReadAllText f, "``([^`]+)``") -> squash m.Groups.[1].Value
        yield! lawNames
        for f in cs do
            for m in Regex.Matches(File.ReadAllText f, @"public (?:async Task|void) (\w+)\(") -> m.Groups.[1].Value ]

[<Fact>]
let ``Every law's name begins with its course item, or Façade for the façade's own laws`` () =
    // docs/README.md says so: `grep -rn S22 properties` finds every law of S22.
    Assert.True(lawNames.Length > 100, sprintf "only %d laws found: is the parser broken?" lawNames.Length)
    let stray = lawNames |> List.filter (fun n -> not (Regex.IsMatch(n, @"^(S\d\d\b|Façade / )")))
    Assert.True(List.isEmpty stray, sprintf "laws named without a course item: %A" stray)

/// The "Checked by:" clauses of the core's doc comments (doc lines joined), with their file.
let private checkedByClauses =
    [ for f in sources "src/Hybrid.Core" "*.fs" do
        let joined = Regex.Replace(File.ReadAllText f, @"\n\s*///\s*", " ")
        for m in Regex.Matches(joined, "Checked by:([^\n]*)") -> Path.GetFileName f, m.Groups.[1].Value ]

/// Asserts that every cited (file, name) names a test or a law; `minimum` guards the parser.
let private expectCited (where: string) (minimum: int) (cited: (string * string) list) =
    Assert.True(cited.Length > minimum, sprintf "only %d citations found in %s: is the parser broken?" cited.Length where)
    let missing = cited |> List.filter (fun (_, q) -> not (testNames.Contains q || testNames.Contains(path q)))
    Assert.True(List.isEmpty missing, sprintf "cited in %s but not found: %A" where missing)

/// What remains of a clause once its quoted names are removed.
let private unquoted (clause: string) = Regex.Replace(clause, "\"[^\"]*\"", "\"\"")

[<Fact>]
let ``Every check named in a core doc comment exists`` () =
    let cited =
        [ for f, clause in checkedByClauses do
            for q in Regex.Matches(clause, "\"([^\"]+)\"") -> f, squash q.Groups.[1].Value ]
    expectCited "core doc comments" 50 cited

[<Fact>]
let ``Every check a core doc comment cites by name is quoted`` () =
    // A test name written without quotes ("Checked by: NeuronTests S01 the perceptron learns ...")
    // would escape the check above; a test name cited for a course item starts with its ID, so a course ID
    // outside the quotes of a Checked-by clause, before the clause's sentence ends, is one.
    let bare =
        [ for f, clause in checkedByClauses do
            let sentence = (unquoted clause).Split([| ". " |], StringSplitOptions.None).[0]
            for m in Regex.Matches(sentence, @"\bS\d\d\b(?:[-–]S\d\d)?(?:\s*/\s*|\s+)\p{L}+(?:\s*/\s*|\s+)\p{L}+[^,;.()]*") -> f, squash m.Value ]
    Assert.True(List.isEmpty bare, sprintf "cited without quotes: %A" bare)

[<Fact>]
let ``Every check the docs cite by name exists, and every citation is quoted`` () =
    let docs = [ for f in sources "docs" "*.md" -> Path.GetFileName f, File.ReadAllText f ]
    // A quoted test name (test names start with a course ID and have words: "S22" alone or a
    // filter such as "S04/softmax" is not one) must name a test or a law.
    let cited =
        [ for f, text in docs do
            for m in Regex.Matches(text, "\"(S\d\d[^\"]* [^\"]*)\"") -> f, squash m.Groups.[1].Value ]
    expectCited "docs" 50 cited
    // A check file's name followed by a bare course ID is a test name written without quotes.
    let bare =
        [ for f, text in docs do
            for m in Regex.Matches(squash text, @"\b\w+(?:Properties|Tests|Laws|Examples)\s+S\d\d\b[^,;.""]*") -> f, m.Value ]
    Assert.True(List.isEmpty bare, sprintf "cited in docs without quotes: %A" bare)

/// The course item IDs, read from docs/course.md ("- S07 ..." lines).
let private courseIds =
    [ for m in Regex.Matches(File.ReadAllText(Path.Combine(root, "docs", "course.md")), @"(?m)^- (S\d\d) ") -> m.Groups.[1].Value ]

[<Fact>]
let ``Every course item of docs/course.md is cited in docs and by a test or property`` () =
    let text folder patterns = patterns |> Array.collect (sources folder) |> Array.map File.ReadAllText |> String.concat "\n"
    let docs = [ for f in sources "docs" "*.md" do if Path.GetFileName f <> "course.md" then File.ReadAllText f ] |> String.concat "\n"
    let checks = text "tests" [| "*.fs"; "*.cs" |] + text "properties" [| "*.fs" |]
    Assert.Equal<string list>([ for i in 1 .. 34 -> sprintf "S%02d" i ], List.sort courseIds)
    let notInDocs = courseIds |> List.filter (fun id -> not (docs.Contains id))
    let notChecked = courseIds |> List.filter (fun id -> not (checks.Contains id))
    Assert.True(List.isEmpty notInDocs, sprintf "not in docs: %A" notInDocs)
    Assert.True(List.isEmpty notChecked, sprintf "not cited by a check: %A" notChecked)


/// The repository's own text files under `folders` (and the files `rootFiles` at the root):
/// build output (bin, obj) and files with a NUL byte (pictures) left out.
let private repositoryTexts (folders: string list) (rootFiles: string list) =
    let skipped (f: string) =
        let parts = Path.GetRelativePath(root, f).Split([| Path.DirectorySeparatorChar; Path.AltDirectorySeparatorChar |])
        Array.contains "bin" parts || Array.contains "obj" parts
    [ for folder in folders do
        for f in Directory.GetFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories) do
            if not (skipped f) then yield f
      for f in rootFiles -> Path.Combine(root, f) ]
    |> List.choose (fun f ->
        let text = File.ReadAllText f
        if text.Contains '\000' then None else Some(Path.GetRelativePath(root, f).Replace('\\', '/'), text))

/// A tracker issue cited by number: the word issue (or issues, any case) then a number, with or
/// without a "#".
let private issueNumber = Regex(@"\bissues?\s*#?\s*\d+", RegexOptions.IgnoreCase)

[<Fact>]
let ``No file of the repository cites a tracker issue by number`` () =
    // Issue numbers mean nothing to a reader of the repository: say what the change is for instead.
    let files = repositoryTexts [ "src"; "tests"; "properties"; "docs"; ".ci" ] [ "README.md" ]
    Assert.True(files.Length > 100, sprintf "only %d files read: is the walk broken?" files.Length)
    let cited = [ for f, text in files do for m in issueNumber.Matches text -> f, m.Value ]
    Assert.True(List.isEmpty cited, sprintf "tracker issue numbers: %A" cited)

/// A repository path written in backticks: the first word of a `...` span that starts with one of
/// the repository's folders (a glob such as `properties/Hybrid.Properties/*.fs` included; a
/// template such as `src/Hybrid.Core/Layers/<Name>.fs` is not a path).
let private backtickedPath = Regex(@"`((?:src|tests|properties|docs|\.ci)/[^`\s]*)[^`]*`")

[<Fact>]
let ``Every repository path the docs write in backticks exists`` () =
    let docs =
        [ for f in sources "docs" "*.md" |> Array.append [| Path.Combine(root, "README.md") |] do
            // Fenced code blocks hold programs, not citations.
            Path.GetRelativePath(root, f), Regex.Replace(File.ReadAllText f, @"(?ms)^```.*?^```", "") ]
    let cited =
        [ for f, text in docs do
            for m in backtickedPath.Matches text -> f, m.Groups.[1].Value.TrimEnd('.', ',', ':', ';', ')') ]
    Assert.True(cited.Length > 50, sprintf "only %d paths found: is the parser broken?" cited.Length)
    let exists (p: string) =
        let full = Path.Combine(root, p.TrimEnd('/'))
        if p.Contains '*' then
            let dir = Path.GetDirectoryName full
            Directory.Exists dir && Directory.GetFiles(dir, Path.GetFileName full).Length > 0
        else File.Exists full || Directory.Exists full
    let missing = cited |> List.filter (fun (_, p) -> not (p.Contains '<') && not (exists p)) |> List.distinct
    Assert.True(List.isEmpty missing, sprintf "paths in docs that are not in the repository: %A" missing)

/// Notes kept outside the repository (a reader of the repository has none of them), by name.
let private outsideNotes = Regex(@"COVERAGE\.md|BUILD[-]NOTES|STYLE\.md|\.\./shared|/work[/]shared")

[<Fact>]
let ``No doc or source file points outside the repository`` () =
    let outside =
        [ for f, text in repositoryTexts [ "src"; "tests"; "properties"; "docs"; ".ci" ] [ "README.md" ] do
            for m in outsideNotes.Matches text -> f, m.Value ]
    Assert.True(List.isEmpty outside, sprintf "files refer to notes outside the repository: %A" outside)

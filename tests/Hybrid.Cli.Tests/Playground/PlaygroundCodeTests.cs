using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Hybrid.Cli.Playground;

namespace Hybrid.Cli.Tests.Playground;

/// <summary>
/// "Copy as C#" reproduces the run: for four settings (a ReLU net with dropout and L2 on the
/// standardised spiral; a tanh net with the multiclass hinge on whitened moons; a linear layer on
/// the XOR gate; the first trained in float32), the server trains a few epochs, the code it hands out is compiled as console
/// programs against the built Hybrid assemblies (one <c>dotnet build</c> for all four) and run,
/// and the losses they print equal the server's to the last digit.
/// </summary>
public class PlaygroundCodeTests
{
    private static readonly (PlaygroundSettings Settings, int Epochs)[] Runs =
    [
        (new PlaygroundSettings { Dropout = 0.1, L2 = 0.001, BatchSize = 20 }, 4),
        (new PlaygroundSettings { Dataset = "moons", Points = 150, Noise = 0.2, DataSeed = 7, TestShare = 0.3, Preprocess = "whiten", Layers = [new(8, "tanh")],
                                  Output = "identity-multiclass-hinge", Init = "xavier", Seed = 5, Optimizer = "momentum", LearningRate = 0.1, BatchSize = 7 }, 3),
        (new PlaygroundSettings { Dataset = "xor", Preprocess = "none", Layers = [], Init = "small", Optimizer = "sgd", LearningRate = 0.5, BatchSize = 4 }, 6),
        (new PlaygroundSettings { Dropout = 0.1, L2 = 0.001, BatchSize = 20, Precision = "single" }, 4),
    ];

    [Fact]
    public async Task The_copied_code_compiles_and_prints_the_servers_losses()
    {
        await using var server = await PlaygroundServer.StartAsync(0);
        using var client = new PlaygroundClient(server.Url);
        var root = Cli.TempFolder();
        var expected = new List<string>();
        var projects = new List<string>();
        for (int i = 0; i < Runs.Length; i++)
        {
            var (settings, epochs) = Runs[i];
            var (id, _) = await client.StartAsync(settings);
            for (int e = 0; e < epochs; e++) (await client.CommandAsync(id, "step")).EnsureSuccessStatusCode();
            // Steps run on the session's thread: the code follows the epochs done when it is asked for, so ask
            // once the thread has taken every step and blocks until the next command.
            var session = server.Sessions.Find(id)!;
            await Guard.Until(session.Pauses.WhenAsync(() => session.Idle, CancellationToken.None), Guard.Time, $"run {i}: the session to take its {epochs} steps");
            var code = await client.Http.GetStringAsync($"api/sessions/{id}/code");
            Assert.Contains($"Epochs = {epochs},", code);
            Assert.Equal(settings.Precision == "single", code.Contains("Precision = Precision.Single"));
            var frame = await client.ReadFramesAsync(id, f => f["epoch"]!.GetValue<int>() == epochs, Guard.Time);
            expected.Add(Lines(frame));
            projects.Add(WriteProject(root, "run" + i, code));
        }
        Build(root, projects);
        for (int i = 0; i < Runs.Length; i++)
        {
            var output = Run(Path.Combine(root, "run" + i, "bin", "run" + i + ".dll"));
            Assert.Equal(expected[i], output.Replace("\r\n", "\n").Trim());
        }
    }

    /// <summary>What the program must print, from the server's frame (JSON numbers round-trip exactly).</summary>
    private static string Lines(JsonNode frame)
    {
        string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var train = frame["trainLoss"]!.AsArray();
        var text = $"train loss {R(train[^1]!.GetValue<double>())} accuracy {R(frame["trainAccuracy"]!.GetValue<double>())}";
        var test = frame["testLoss"]!.AsArray();
        if (test.Count > 0) text += $"\ntest loss {R(test[^1]!.GetValue<double>())} accuracy {R(frame["testAccuracy"]!.GetValue<double>())}";
        return text;
    }

    private static string WriteProject(string root, string name, string code)
    {
        var dir = Path.Combine(root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), code);
        var bin = AppContext.BaseDirectory;
        string[] dlls = ["Hybrid", "Hybrid.Core", "FSharp.Core", "MathNet.Numerics", "Sep", "Google.Protobuf", "System.Numerics.Tensors"];
        var references = string.Concat(dlls.Select(d => $"    <Reference Include=\"{d}\" HintPath=\"{Path.Combine(bin, d + ".dll")}\" />\n"));
        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <OutputPath>bin</OutputPath>
                <AppendTargetFrameworkToOutputPath>false</AppendTargetFrameworkToOutputPath>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>
            """);
        return Path.Combine(dir, name + ".csproj");
    }

    private static void Build(string root, List<string> projects)
    {
        // One MSBuild run builds every program (a traversal project), so the test pays the build's start-up once.
        var traversal = Path.Combine(root, "all.proj");
        File.WriteAllText(traversal, $"""
            <Project>
              <ItemGroup>{string.Concat(projects.Select(p => $"<ProjectReference Include=\"{p}\" />"))}</ItemGroup>
              <Target Name="Build"><MSBuild Projects="@(ProjectReference)" Targets="Restore" Properties="_Restore=1" /><MSBuild Projects="@(ProjectReference)" Targets="Build" BuildInParallel="true" /></Target>
            </Project>
            """);
        var (code, output) = Exec("dotnet", ["build", traversal, "-nologo", "-v:q"], root);
        Assert.True(code == 0, "the copied code did not build:\n" + output);
    }

    private static string Run(string dll)
    {
        var (code, output) = Exec("dotnet", [dll], Path.GetDirectoryName(dll)!);
        Assert.True(code == 0, output);
        return output;
    }

    private static (int Code, string Output) Exec(string file, string[] args, string dir)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(4)), $"{file} {string.Join(' ', args)} did not finish");
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}

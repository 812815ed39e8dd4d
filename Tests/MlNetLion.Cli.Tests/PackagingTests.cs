using System.Text.Json;

namespace MlNetLion.Cli.Tests;

/// <summary>
/// <c>dotnet pack</c> makes the library packages and the tool package; the tool installs from a local folder feed
/// and runs, and a console project builds and trains against the packed libraries (the native shim arriving as a
/// runtime asset). Dependencies such as Spectre.Console still come from the machine's configured NuGet sources.
/// </summary>
[TestClass]
public sealed class PackagingTests
{
#if RELEASE
    private const string Configuration = "Release";
#else
    private const string Configuration = "Debug";
#endif
    private static readonly string[] Packages = ["MlNetLion.Torch", "MlNetLion.Optimizers", "MlNetLion", "MlNetLion.Cli"];

    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public void PackedTool_InstallsAndRuns_AndPackedLibraries_BuildAConsumer()
    {
        var folder = TestData.TempFolder();
        var feed = Directory.CreateDirectory(Path.Combine(folder, "feed")).FullName;
        // A version of its own, so no package cached by an earlier run is used instead of the one packed here.
        var version = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";
        try
        {
            foreach (var name in Packages)
                Dotnet(folder, "pack", Path.Combine(TestData.RepoRoot, "Extensions", name, $"{name}.csproj"), "-c", Configuration, "--no-build",
                    "-o", feed, $"-p:PackageVersion={version}");
            CollectionAssert.AreEquivalent(Packages.Select(p => $"{p}.{version}.nupkg").ToArray(), Directory.GetFiles(feed).Select(Path.GetFileName).ToArray());
            using (var torch = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, $"MlNetLion.Torch.{version}.nupkg")))
            {
                var entries = torch.Entries.Select(e => e.FullName).ToList();
                foreach (var entry in new[] { "runtimes/linux-x64/native/libmlnetlion_native.so", "README.md", "LICENSE" }) Assert.Contains(entry, entries);
            }

            var tools = Path.Combine(folder, "tools");
            Dotnet(folder, "tool", "install", "--tool-path", tools, "--add-source", feed, "MlNetLion.Cli", "--version", version);
            var tool = Path.Combine(tools, "mlnet-lion");
            var help = Cli.RunProcess(tool, ["--help"]);
            Assert.AreEqual(0, help.ExitCode, help.ToString());
            Assert.Contains("compare", help.Out);
            var (train, valid) = TestData.DebianSections(folder, trainRows: 60, validRows: 20);
            var run = Cli.RunProcess(tool, ["text-classification", "--dataset", train, "--validation-dataset", valid, "--epochs", "1",
                .. TestData.TinyTextModel, "--output", Path.Combine(folder, "run"), "--json"]);
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            Assert.AreEqual(60, JsonDocument.Parse(run.Out).RootElement.GetProperty("TrainingRows").GetInt32());

            var consumer = Directory.CreateDirectory(Path.Combine(folder, "consumer")).FullName;
            File.WriteAllText(Path.Combine(consumer, "NuGet.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="MlNetLion" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
                using MlNetLion;
                using MlNetLion.Trainers;

                var ctx = new MLContext(seed: 1);
                var rows = Enumerable.Range(0, 60).Select(i => new Row { Label = i % 2 == 0 ? "even" : "odd", Text = i % 2 == 0 ? "alpha beta" : "gamma delta" });
                var trainer = ctx.MulticlassClassification.Trainers
                    .TextClassification(new TextClassificationOptions { Sentence1ColumnName = "Text", Architecture = TextModelArchitecture.BagOfNgrams, EmbeddingDim = 8, MaxEpoch = 1 })
                    .WithLionOptimizer().WithLookahead();
                using var model = trainer.Fit(ctx.Data.LoadFromEnumerable(rows));
                Console.WriteLine($"trained {model.ParameterCount} weights with {trainer.OptimizerDescription}");

                public sealed class Row { public string Label { get; set; } = ""; public string Text { get; set; } = ""; }
                """);
            var output = Dotnet(consumer, "run", "-c", "Release");
            Assert.Contains("trained", output);
            Assert.Contains("Lookahead(k=5, alpha=0.5) over Lion", output);
            Assert.IsTrue(File.Exists(Path.Combine(consumer, "bin", "Release", "net10.0", "runtimes", "linux-x64", "native", "libmlnetlion_native.so")),
                "the native shim comes with the package as a runtime asset");
        }
        finally
        {
            // The packages went into the NuGet cache under this run's version; leave nothing behind.
            var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var name in Packages)
            {
                var id = Path.Combine(cache, name.ToLowerInvariant());
                if (Directory.Exists(Path.Combine(id, version))) Directory.Delete(Path.Combine(id, version), recursive: true);
                if (Directory.Exists(id) && !Directory.EnumerateFileSystemEntries(id).Any()) Directory.Delete(id);
            }
        }
    }

    private static string Dotnet(string folder, params string[] args)
    {
        var result = Cli.RunProcess("dotnet", args, timeoutSeconds: 300, workingDirectory: folder);
        Assert.AreEqual(0, result.ExitCode, $"dotnet {string.Join(' ', args)}\n{result}");
        return result.Out;
    }
}

using System.Text.Json;

namespace MlNetLion.Cli.Tests;

/// <summary>The CLI as users start it: a separate process with redirected output.</summary>
[TestClass]
public sealed class ProcessTests
{
    [TestMethod]
    public void Help_ListsEveryCommand()
    {
        var result = Cli.RunProcess("--help");
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        foreach (var command in new[] { "text-classification", "image-classification", "evaluate", "predict", "compare" })
            Assert.Contains(command, result.Out);
    }

    [TestMethod]
    public void TextClassification_Json_PrintsOnlyJson_AndPlainProgressWithoutIt()
    {
        var folder = TestData.TempFolder();
        var (train, valid) = TestData.DebianSections(folder, trainRows: 100, validRows: 30);
        string[] args = ["text-classification", "--dataset", train, "--validation-dataset", valid, "--epochs", "1", .. TestData.TinyTextModel];
        var json = Cli.RunProcess([.. args, "--output", Path.Combine(folder, "a"), "--json"]);
        Assert.AreEqual(0, json.ExitCode, json.ToString());
        Assert.AreEqual(1, JsonDocument.Parse(json.Out).RootElement.GetProperty("Epochs").GetInt32());

        var plain = Cli.RunProcess([.. args, "--output", Path.Combine(folder, "b")]);
        Assert.AreEqual(0, plain.ExitCode, plain.ToString());
        Assert.Contains("lion: epoch 1/1 step 1/7", plain.Out); // the first step's line
        Assert.Contains("validation accuracy", plain.Out);  // the epoch's line
        Assert.DoesNotContain("\r", plain.Out, "no redrawing without a terminal");
        Assert.DoesNotContain("\u001b[", plain.Out, "no ANSI escapes without a terminal");
    }

    [TestMethod]
    public void MissingLibtorch_SaysWhatToInstall()
    {
        // A copy of the CLI whose native library needs a library that is not there, as when libtorch is missing.
        var folder = TestData.TempFolder();
        var app = Directory.CreateDirectory(Path.Combine(folder, "app")).FullName;
        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory)) File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(folder, "dep.c"), "int missing_dependency(void) { return 1; }\n");
        File.WriteAllText(Path.Combine(folder, "shim.c"), "int missing_dependency(void);\nint mlt_set_num_threads(int n) { return missing_dependency() + n; }\n");
        Compile(folder, "-shared", "-fPIC", "-x", "c", "dep.c", "-o", "libmlnetlion_test_missing.so");
        Compile(folder, "-shared", "-fPIC", "-x", "c", "shim.c", "-L.", "-Wl,--no-as-needed", "-lmlnetlion_test_missing", "-o", Path.Combine(app, "libmlnetlion_native.so"));
        File.Delete(Path.Combine(folder, "libmlnetlion_test_missing.so"));

        var (train, _) = TestData.DebianSections(folder, trainRows: 30, validRows: 5);
        var result = Cli.RunProcess("dotnet", [Path.Combine(app, "mlnet-lion.dll"), "text-classification", "--dataset", train, "--output", Path.Combine(folder, "out")]);
        Assert.AreEqual(1, result.ExitCode, result.ToString());
        Assert.Contains("apt-get install libtorch1.13", result.Error);
        Assert.Contains("libmlnetlion_test_missing.so", result.Error); // the loader's own words
        Assert.DoesNotContain("   at ", result.Error);
    }

    private static void Compile(string folder, params string[] args)
    {
        var result = Cli.RunProcess("g++", args, workingDirectory: folder);
        Assert.AreEqual(0, result.ExitCode, result.ToString());
    }
}

using System.Text.Json;
using System.Xml.Linq;

namespace MlNetLion.Cli.Tests;

[TestClass]
public sealed class CompareCommandTests
{
    [TestMethod]
    public void Compare_TrainsEachOptimizerOnTheSameData_AndReportsTableAndCurves()
    {
        var folder = TestData.TempFolder();
        var (train, valid) = TestData.DebianSections(folder, trainRows: 200, validRows: 60);
        var output = Path.Combine(folder, "compare");
        var result = Cli.Run(["compare", "--dataset", train, "--validation-dataset", valid, "--optimizers", "lion, lookahead(adamw)",
            "--epochs", "2", "--target-accuracy", "0.01", .. TestData.TinyTextModel, "--output", output, "--json"]);
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        var comparison = JsonDocument.Parse(result.Out).RootElement;
        Assert.AreEqual("text-classification", comparison.GetProperty("Task").GetString());
        Assert.AreEqual(0.01, comparison.GetProperty("TargetAccuracy").GetDouble());
        var runs = comparison.GetProperty("Runs").EnumerateArray().ToList();
        CollectionAssert.AreEqual(new[] { "lion", "lookahead(adamw)" }, runs.Select(r => r.GetProperty("Optimizer").GetString()).ToArray());
        foreach (var run in runs)
        {
            Assert.IsGreaterThanOrEqualTo(run.GetProperty("FinalAccuracy").GetDouble(), run.GetProperty("BestAccuracy").GetDouble());
            Assert.IsTrue(File.Exists(Path.Combine(run.GetProperty("Output").GetString()!, "model.mlnl")));
        }
        // AdamW keeps two moments per weight and Lookahead the slow weights: three times Lion's one momentum.
        Assert.AreEqual(3 * runs[0].GetProperty("OptimizerStateBytes").GetInt64(), runs[1].GetProperty("OptimizerStateBytes").GetInt64());
        Assert.IsTrue(File.Exists(Path.Combine(output, "comparison.json")));

        var svg = XDocument.Load(Path.Combine(output, "curves.svg"));
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Contains("lion", texts);
        Assert.Contains("lookahead(adamw)", texts);
        Assert.HasCount(4, svg.Descendants().Where(e => e.Name.LocalName == "polyline" && e.Attribute("stroke")?.Value != "black")); // 2 runs x 2 panels
    }

    [TestMethod]
    public void Compare_TableWithoutJson_NamesEveryOptimizer()
    {
        var folder = TestData.TempFolder();
        var (train, valid) = TestData.DebianSections(folder, trainRows: 100, validRows: 30);
        var result = Cli.Run(["compare", "--dataset", train, "--validation-dataset", valid, "--optimizers", "sgd,lion", "--epochs", "1",
            .. TestData.TinyTextModel, "--output", Path.Combine(folder, "compare")]);
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        foreach (var text in new[] { "optimizer", "final accuracy", "time to", "sgd", "lion", "curves.svg" }) Assert.Contains(text, result.Out);
    }

    [TestMethod]
    public void Compare_RejectsUnknownOrRepeatedOptimizers()
    {
        var folder = TestData.TempFolder();
        var (train, _) = TestData.DebianSections(folder, trainRows: 30, validRows: 5);
        foreach (var (list, expected) in new[] { ("lion,rmsprop", "'rmsprop'"), ("lion,lion", "twice") })
        {
            var result = Cli.Run("compare", "--dataset", train, "--optimizers", list, "--output", Path.Combine(folder, "c"));
            Assert.AreEqual(1, result.ExitCode, result.ToString());
            Assert.Contains(expected, result.Error);
        }
    }
}

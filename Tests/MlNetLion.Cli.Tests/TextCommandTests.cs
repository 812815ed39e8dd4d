using System.Text.Json;
using System.Xml.Linq;

namespace MlNetLion.Cli.Tests;

[TestClass]
public sealed class TextCommandTests
{
    private static string _folder = "";
    private static string _train = "";
    private static string _valid = "";
    private static string _output = "";
    private static CliResult _run = null!;

    [ClassInitialize]
    public static void TrainOnce(TestContext _)
    {
        _folder = TestData.TempFolder();
        (_train, _valid) = TestData.DebianSections(_folder);
        _output = Path.Combine(_folder, "run");
        _run = Cli.Run(["text-classification", "--dataset", _train, "--validation-dataset", _valid, "--label-col", "Label", "--text-col", "Text",
            "--has-header", "--separator", "\\t", "--optimizer", "adamw", "--lookahead", "5,0.5", "--lr", "0.003", "--weight-decay", "0.01",
            "--epochs", "2", "--seed", "3", "--device", "cpu", .. TestData.TinyTextModel, "--output", _output, "--json"]);
    }

    [TestMethod]
    public void Json_IsTheOnlyOutput_AndDescribesTheRun()
    {
        Assert.AreEqual(0, _run.ExitCode, _run.ToString());
        Assert.AreEqual("", _run.Error);
        using var json = JsonDocument.Parse(_run.Out); // throws if anything but JSON was printed
        var root = json.RootElement;
        Assert.AreEqual("lookahead(adamw)", root.GetProperty("Optimizer").GetString());
        StringAssert.StartsWith(root.GetProperty("OptimizerDescription").GetString(), "Lookahead(k=5, alpha=0.5) over AdamW(lr=0.003");
        Assert.AreEqual(300, root.GetProperty("TrainingRows").GetInt32());
        Assert.AreEqual(2, root.GetProperty("Epochs").GetInt32());
        Assert.IsGreaterThan(0L, root.GetProperty("OptimizerStateBytes").GetInt64());
        Assert.AreEqual(Path.Combine(_output, "model.mlnl"), root.GetProperty("ModelPath").GetString());
    }

    [TestMethod]
    public void Output_HoldsModelMetricsHistoryAndCurves_AndNoCheckpoint()
    {
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(_output, "metrics.json"))).RootElement;
        foreach (var name in new[] { "MicroAccuracy", "MacroAccuracy", "LogLoss", "LogLossReduction", "TopKAccuracy" })
            Assert.IsTrue(metrics.GetProperty(name).ValueKind == JsonValueKind.Number, name);
        Assert.IsInRange(0.0, 1.0, metrics.GetProperty("MicroAccuracy").GetDouble());
        Assert.AreEqual(File.ReadLines(_valid).Count() - 1, metrics.GetProperty("RowCount").GetInt32());
        Assert.AreEqual(0, metrics.GetProperty("SkippedRows").GetInt32());
        Assert.AreEqual(0, metrics.GetProperty("SkippedTrainingRows").GetInt32());
        Assert.IsGreaterThan(2, metrics.GetProperty("PerClassLogLoss").EnumerateObject().Count());

        var history = File.ReadAllLines(Path.Combine(_output, "history.csv"));
        Assert.AreEqual("kind,epoch,step,seconds,loss,learning_rate,validation_accuracy,validation_log_loss", history[0]);
        Assert.AreEqual(2 * 19, history.Count(l => l.StartsWith("step,", StringComparison.Ordinal))); // 300 rows / batch 16 = 19 steps, 2 epochs
        var epochs = history.Where(l => l.StartsWith("epoch,", StringComparison.Ordinal)).Select(l => l.Split(',')).ToList();
        Assert.HasCount(2, epochs);
        Assert.AreEqual("38", epochs[1][2]);
        Assert.AreEqual(metrics.GetProperty("MicroAccuracy").GetDouble(), double.Parse(epochs[1][6], System.Globalization.CultureInfo.InvariantCulture), 1e-5);

        var svg = XDocument.Load(Path.Combine(_output, "curves.svg"));
        Assert.HasCount(2, svg.Descendants().Where(e => e.Name.LocalName == "polyline" && e.Attribute("stroke")?.Value != "black"));
        Assert.IsTrue(File.Exists(Path.Combine(_output, "model.mlnl")));
        Assert.IsFalse(Directory.Exists(Path.Combine(_output, "checkpoint")));
    }

    [TestMethod]
    public void Evaluate_GivesTheTrainingRunsValidationMetrics_AsJsonAndTable()
    {
        var model = Path.Combine(_output, "model.mlnl");
        var json = Cli.Run("evaluate", "--model", model, "--dataset", _valid, "--json");
        Assert.AreEqual(0, json.ExitCode, json.ToString());
        var evaluated = JsonDocument.Parse(json.Out).RootElement;
        var trained = JsonDocument.Parse(File.ReadAllText(Path.Combine(_output, "metrics.json"))).RootElement;
        Assert.AreEqual(trained.GetProperty("MicroAccuracy").GetDouble(), evaluated.GetProperty("MicroAccuracy").GetDouble(), 1e-12);
        Assert.AreEqual(trained.GetProperty("LogLoss").GetDouble(), evaluated.GetProperty("LogLoss").GetDouble(), 1e-9);

        var table = Cli.Run("evaluate", "--model", model, "--dataset", _valid);
        Assert.AreEqual(0, table.ExitCode, table.ToString());
        StringAssert.Contains(table.Out, "MicroAccuracy");
        StringAssert.Contains(table.Out, "Confusion table");
    }

    [TestMethod]
    public void Predict_ReadsLinesFromStdin_AndTablesFromFiles_WritingTsvOrJson()
    {
        var model = Path.Combine(_output, "model.mlnl");
        var texts = File.ReadLines(_valid).Skip(1).Take(5).Select(l => l.Split('\t')[1]).ToList();
        var tsv = Cli.Run(["predict", "--model", model], stdin: string.Join("\n", texts) + "\n");
        Assert.AreEqual(0, tsv.ExitCode, tsv.ToString());
        var lines = tsv.Out.TrimEnd().Split('\n');
        Assert.AreEqual("PredictedLabel\tScore", lines[0]);
        Assert.HasCount(6, lines);
        var classes = File.ReadLines(_train).Skip(1).Select(l => l.Split('\t')[0]).ToHashSet();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split('\t');
            Assert.Contains(fields[0], classes);
            Assert.IsInRange(0.0, 1.0, double.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
        }

        var json = Cli.Run("predict", "--model", model, "--input", _valid, "--text-col", "Text", "--json");
        Assert.AreEqual(0, json.ExitCode, json.ToString());
        var rows = json.Out.TrimEnd().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.HasCount(File.ReadLines(_valid).Count() - 1, rows);
        Assert.AreEqual(lines[1].Split('\t')[0], rows[0].GetProperty("PredictedLabel").GetString());
        Assert.AreEqual(1.0, rows[0].GetProperty("Scores").EnumerateObject().Sum(p => p.Value.GetDouble()), 1e-4);
    }
}

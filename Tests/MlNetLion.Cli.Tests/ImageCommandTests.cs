using System.Text.Json;

namespace MlNetLion.Cli.Tests;

[TestClass]
public sealed class ImageCommandTests
{
    private static readonly string[] Tiny = ["--epochs", "1", "--batch-size", "8", "--width", "4", "--device", "cpu", "--json"];

    [TestMethod]
    public void ImageFolder_TrainsWithAHeldOutSplit_SkippingAndCountingUnreadableImages()
    {
        var folder = TestData.TempFolder();
        var images = TestData.ImageFolder(Path.Combine(folder, "images"), perClass: 10, seed: 1);
        File.WriteAllBytes(Path.Combine(images, "vertical", "broken.png"), [1, 2, 3, 4]);
        var output = Path.Combine(folder, "run");
        var result = Cli.Run(["image-classification", "--dataset", images, "--output", output, .. Tiny]);
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        var report = JsonDocument.Parse(result.Out).RootElement;
        // 31 files, 20% of each class held out (2 + 2 + 2 of 10, 10, 11); the broken file is skipped in whichever part it fell
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))).RootElement;
        Assert.AreEqual(25, report.GetProperty("TrainingRows").GetInt32());
        Assert.AreEqual(6, metrics.GetProperty("RowCount").GetInt32() + metrics.GetProperty("SkippedRows").GetInt32());
        Assert.AreEqual(1, metrics.GetProperty("SkippedTrainingRows").GetInt32() + metrics.GetProperty("SkippedRows").GetInt32());
        CollectionAssert.AreEquivalent(TestData.ImageClasses, metrics.GetProperty("PerClassLogLoss").EnumerateObject().Select(p => p.Name).ToArray());

        var predict = Cli.Run(["predict", "--model", Path.Combine(output, "model.mlnl")],
            stdin: string.Join('\n', Directory.GetFiles(Path.Combine(images, "diagonal")).Take(3)));
        Assert.AreEqual(0, predict.ExitCode, predict.ToString());
        Assert.HasCount(4, predict.Out.TrimEnd().Split('\n'));
    }

    [TestMethod]
    public void IdxFolder_TrainsOnTrain_ValidatesOnT10k_AndEvaluatesT10k()
    {
        var folder = TestData.TempFolder();
        var idx = TestData.IdxFolder(Path.Combine(folder, "idx"), trainCount: 60, testCount: 21);
        var output = Path.Combine(folder, "run");
        var result = Cli.Run(["image-classification", "--dataset", idx, "--output", output, .. Tiny]);
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        var report = JsonDocument.Parse(result.Out).RootElement;
        Assert.AreEqual(60, report.GetProperty("TrainingRows").GetInt32());
        StringAssert.EndsWith(report.GetProperty("ValidationSource").GetString(), "t10k-images-idx3-ubyte");
        Assert.AreEqual(21, report.GetProperty("Metrics").GetProperty("RowCount").GetInt32());
        CollectionAssert.AreEquivalent(new[] { "0", "1", "2" }, report.GetProperty("Metrics").GetProperty("PerClassLogLoss").EnumerateObject().Select(p => p.Name).ToArray());

        var evaluate = Cli.Run("evaluate", "--model", Path.Combine(output, "model.mlnl"), "--dataset", idx, "--json");
        Assert.AreEqual(0, evaluate.ExitCode, evaluate.ToString());
        Assert.AreEqual(report.GetProperty("Metrics").GetProperty("MicroAccuracy").GetDouble(),
            JsonDocument.Parse(evaluate.Out).RootElement.GetProperty("MicroAccuracy").GetDouble(), 1e-12);

        var subsample = Cli.Run(["image-classification", "--dataset", idx, "--max-rows", "30", "--output", Path.Combine(folder, "small"), .. Tiny]);
        Assert.AreEqual(0, subsample.ExitCode, subsample.ToString());
        Assert.AreEqual(30, JsonDocument.Parse(subsample.Out).RootElement.GetProperty("TrainingRows").GetInt32());
        Assert.AreEqual(21, JsonDocument.Parse(subsample.Out).RootElement.GetProperty("Metrics").GetProperty("RowCount").GetInt32());
    }

    [TestMethod]
    public void IdxFolder_WithoutALabelsFile_IsAUserError()
    {
        var folder = TestData.TempFolder();
        var idx = TestData.IdxFolder(Path.Combine(folder, "idx"), trainCount: 6, testCount: 3);
        File.Delete(Path.Combine(idx, "t10k-labels-idx1-ubyte"));
        var result = Cli.Run(["image-classification", "--dataset", idx, "--output", Path.Combine(folder, "run"), .. Tiny]);
        Assert.AreEqual(1, result.ExitCode, result.ToString());
        Assert.Contains("t10k-labels-idx1-ubyte", result.Error);
    }
}

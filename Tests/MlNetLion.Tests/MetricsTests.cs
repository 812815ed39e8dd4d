using MlNetLion.Evaluation;

namespace MlNetLion.Tests;

[TestClass]
public sealed class MetricsTests
{
    // 4 rows, 3 classes; predicted = argmax: [0, 1, 1, 2]; actual [0, 1, 2, 2].
    private static readonly int[] Labels = [0, 1, 2, 2];
    private static readonly float[][] Scores =
    [
        [0.7f, 0.2f, 0.1f],
        [0.1f, 0.8f, 0.1f],
        [0.2f, 0.5f, 0.3f],
        [0.25f, 0.25f, 0.5f],
    ];

    [TestMethod]
    public void Compute_MatchesHandComputedValues()
    {
        var m = new MLContext().MulticlassClassification.Evaluate(Labels, Scores, ["a", "b", "c"], topKPredictionCount: 2);
        Assert.AreEqual(0.75, m.MicroAccuracy, 1e-12);
        Assert.AreEqual((1 + 1 + 0.5) / 3, m.MacroAccuracy, 1e-12);
        var logLoss = -(Math.Log(0.7f) + Math.Log(0.8f) + Math.Log(0.3f) + Math.Log(0.5f)) / 4;
        Assert.AreEqual(logLoss, m.LogLoss, 1e-9);
        var prior = -(0.25 * Math.Log(0.25) * 2 + 0.5 * Math.Log(0.5));
        Assert.AreEqual((prior - logLoss) / prior, m.LogLossReduction, 1e-9);
        Assert.AreEqual(1.0, m.TopKAccuracy, 1e-12, "the third row's class is second most probable");
        CollectionAssert.AreEqual(new[] { 0.75, 1.0 }, m.TopKAccuracyForAllK.ToArray());
        Assert.AreEqual(-Math.Log(0.7f), m.PerClassLogLoss[0], 1e-9);
        Assert.AreEqual(-(Math.Log(0.3f) + Math.Log(0.5f)) / 2, m.PerClassLogLoss[2], 1e-9);
        Assert.AreEqual(1L, m.ConfusionMatrix.Counts[2][1]);
        Assert.AreEqual(0.5, m.ConfusionMatrix.PerClassPrecision[1], 1e-12);
        Assert.AreEqual(0.5, m.ConfusionMatrix.PerClassRecall[2], 1e-12);
    }

    [TestMethod]
    public void ConfusionTable_IsPrintable()
    {
        var table = MulticlassClassificationMetrics.Compute(Labels, Scores, ["ham", "spam", "other"]).ConfusionMatrix.GetFormattedConfusionTable();
        StringAssert.Contains(table, "Recall");
        StringAssert.Contains(table, "Precision");
        var otherRow = table.Split('\n').Single(l => l.StartsWith("other"));
        StringAssert.Contains(otherRow, "0.5000");
    }

    [TestMethod]
    public void PerfectAndZeroProbabilities_AreHandled()
    {
        var m = MulticlassClassificationMetrics.Compute([0, 1], [[1f, 0f], [1f, 0f]], ["x", "y"]);
        Assert.AreEqual(0.5, m.MicroAccuracy);
        Assert.AreEqual(-Math.Log(MulticlassClassificationMetrics.Epsilon) / 2, m.LogLoss, 1e-9, "p = 0 is clipped, not infinite");
    }

    [TestMethod]
    public void BadInput_IsRejectedWithReasons()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => MulticlassClassificationMetrics.Compute([], [], ["a"])).Message, "empty");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MulticlassClassificationMetrics.Compute([3], [[1f, 0f]], ["a", "b"]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MulticlassClassificationMetrics.Compute([0], [[1f, 0f]], ["a", "b"], 3));
    }
}

using MlNetLion.Trainers;

namespace MlNetLion.Bench.Tests;

[TestClass]
public sealed class FoldsStudyTests
{
    [TestMethod]
    public void Apply_SetsNamedOptions_AndNamesABadSetting()
    {
        var options = FoldsStudy.Apply(new TextClassificationOptions(), ["Layers=0", "Architecture=bagofngrams", "LabelSmoothing=0.25", "Seed=7"]);
        Assert.AreEqual(0, options.Layers);
        Assert.AreEqual(TextModelArchitecture.BagOfNgrams, options.Architecture);
        Assert.AreEqual(0.25, options.LabelSmoothing);
        Assert.AreEqual(7, options.Seed);

        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => FoldsStudy.Apply(new(), ["Nope=1"])).Message, "'Nope=1'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => FoldsStudy.Apply(new(), ["Layers"])).Message, "'Layers'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => FoldsStudy.Apply(new(), ["Layers=two"])).Message, "for Layers");
    }

    [TestMethod]
    public void Run_TrainsAndScoresEveryFold()
    {
        var folder = Directory.CreateTempSubdirectory("folds-").FullName;
        try
        {
            // Two folds of a separable two-topic set: each text names its topic's words.
            string[] cats = ["cat", "kitten", "purr", "whiskers"], cars = ["engine", "wheel", "brake", "garage"];
            var random = new Random(3);
            string Row(int i)
            {
                var (label, words) = i % 2 == 0 ? ("pets", cats) : ("cars", cars);
                return $"{label}\t{string.Join(' ', Enumerable.Range(0, 6).Select(_ => words[random.Next(words.Length)]))}";
            }
            for (var f = 0; f < 2; f++)
            {
                File.WriteAllLines(Path.Combine(folder, $"fold{f}.train.tsv"), ["Label\tText", .. Enumerable.Range(0, 64).Select(Row)]);
                File.WriteAllLines(Path.Combine(folder, $"fold{f}.test.tsv"), ["Label\tText", .. Enumerable.Range(0, 16).Select(Row)]);
            }
            var output = new StringWriter();
            var results = FoldsStudy.Run(folder, seed: 1, ["Layers=0", "EmbeddingDim=4", "Heads=1", "MaxEpoch=3", "BatchSize=8"], output);

            Assert.HasCount(2, results);
            Assert.IsTrue(results.All(r => r.Accuracy == 1), output.ToString());
            var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            StringAssert.StartsWith(lines[0], "fold0: accuracy 100.00%");
            StringAssert.StartsWith(lines[1], "fold1: accuracy 100.00%");
            StringAssert.StartsWith(lines[2], "mean over 2 folds: accuracy 100.00%");
            StringAssert.Contains(lines[2], "MaxEpoch=3");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void Run_WithoutFolds_SaysHowToWriteThem()
    {
        var folder = Directory.CreateTempSubdirectory("folds-").FullName;
        try
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => FoldsStudy.Run(folder, 1, [], TextWriter.Null));
            StringAssert.Contains(e.Message, "--export-folds");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

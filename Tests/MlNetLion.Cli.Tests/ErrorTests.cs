namespace MlNetLion.Cli.Tests;

/// <summary>User errors exit with 1 and a message naming the flag, column or file, without a stack trace.</summary>
[TestClass]
public sealed class ErrorTests
{
    private static string _folder = "";
    private static string _train = "";

    [ClassInitialize]
    public static void WriteData(TestContext context)
    {
        _folder = TestData.TempFolder();
        (_train, _) = TestData.DebianSections(_folder, trainRows: 60, validRows: 10);
    }

    private static void AssertUserError(CliResult result, params string[] expected)
    {
        Assert.AreEqual(1, result.ExitCode, result.ToString());
        foreach (var text in expected) Assert.Contains(text, result.Error, result.ToString());
        Assert.DoesNotContain("   at ", result.Error, "no stack trace for a user error");
    }

    private static string[] Text(params string[] extra) =>
        ["text-classification", "--dataset", _train, "--output", Path.Combine(_folder, "out"), .. TestData.TinyTextModel, .. extra];

    [TestMethod]
    public void UnknownFlag_IsNamed() => AssertUserError(Cli.Run(Text("--learning-rate", "0.1")), "--learning-rate");

    [TestMethod]
    public void MissingRequiredFlag_IsNamed() => AssertUserError(Cli.Run("text-classification", "--dataset", _train), "--output");

    [TestMethod]
    public void BadFlagValues_AreNamed()
    {
        AssertUserError(Cli.Run(Text("--epochs", "many")), "--epochs", "many");
        AssertUserError(Cli.Run(Text("--epochs", "0")), "--epochs");
        AssertUserError(Cli.Run(Text("--optimizer", "adam")), "--optimizer", "'adam'");
        AssertUserError(Cli.Run(Text("--lookahead", "5")), "--lookahead", "k,alpha");
        AssertUserError(Cli.Run(Text("--device", "tpu")), "--device", "'tpu'");
        AssertUserError(Cli.Run(Text("--device", "cuda:7")), "--device", "CUDA device 7"); // Debian's libtorch has no CUDA; a GPU machine has no 8th device
        AssertUserError(Cli.Run(Text("--separator", "ab")), "--separator");
        AssertUserError(Cli.Run("text-classification", "--dataset", _train, "--output", Path.Combine(_folder, "out"), "--architecture", "lstm"),
            "--architecture", "'lstm'");
    }

    [TestMethod]
    public void MissingFiles_AreNamed()
    {
        var missing = Path.Combine(_folder, "missing.tsv");
        AssertUserError(Cli.Run("text-classification", "--dataset", missing, "--output", Path.Combine(_folder, "out")), "--dataset", missing);
        AssertUserError(Cli.Run(Text("--validation-dataset", missing)), "--validation-dataset", missing);
        AssertUserError(Cli.Run("evaluate", "--model", Path.Combine(_folder, "none.mlnl"), "--dataset", _train), "--model", "none.mlnl");
        AssertUserError(Cli.Run("image-classification", "--dataset", Path.Combine(_folder, "no-such-folder"), "--output", Path.Combine(_folder, "out")),
            "--dataset", "no-such-folder");
        AssertUserError(Cli.Run("image-classification", "--dataset", _train, "--output", Path.Combine(_folder, "out")), "--dataset", "is a file");
    }

    [TestMethod]
    public void NotAModelFile_IsAUserError()
    {
        var result = Cli.Run("predict", "--model", _train);
        AssertUserError(result, "--model");
    }

    [TestMethod]
    public void MissingColumns_AreNamed_WithTheColumnsThatExist()
    {
        AssertUserError(Cli.Run(Text("--text-col", "Body")), "'Body'", "'Label', 'Text'");
        AssertUserError(Cli.Run(Text("--label-col", "Section")), "'Section'", "'Label', 'Text'");
        AssertUserError(Cli.Run(Text("--has-header", "false")), "--label-col 'Label'", "--has-header false");
    }

    [TestMethod]
    public void ColumnsByIndex_WorkWithoutAHeader()
    {
        var headless = Path.Combine(_folder, "headless.tsv");
        File.WriteAllLines(headless, File.ReadLines(_train).Skip(1).Select(l => string.Join('\t', l.Split('\t').Reverse())));
        var result = Cli.Run(["text-classification", "--dataset", headless, "--has-header", "false", "--label-col", "1", "--text-col", "0",
            "--output", Path.Combine(_folder, "by-index"), "--epochs", "1", "--json", .. TestData.TinyTextModel]);
        Assert.AreEqual(0, result.ExitCode, result.ToString());
    }

    [TestMethod]
    public void ResumeWithoutACheckpoint_IsAUserError() =>
        AssertUserError(Cli.Run(Text("--resume")), "--resume", "no checkpoint");
}

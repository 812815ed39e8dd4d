using MlNetLion.Data;

namespace MlNetLion.Tests;

[TestClass]
public sealed class TextLoaderTests
{
    public sealed class Review
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
        public float Score { get; set; }
    }

    public sealed class ByIndex
    {
        [LoadColumn(1)] public string Text { get; set; } = "";
        [LoadColumn(0), ColumnName("Label")] public int Category { get; set; }
    }

    [TestMethod]
    public void Tsv_WithHeader_MapsColumnsByNameInAnyOrder()
    {
        var path = TempFolder.WriteFile("r.tsv", "score\tlabel\ttext\n0.5\ttrue\tgreat film\n-1\t0\tdull, long\n");
        var data = new MLContext(1).Data.LoadFromTextFile<Review>(path, hasHeader: true);
        Assert.AreEqual(2, data.Count);
        Assert.AreEqual("great film", data.Rows[0].Text);
        Assert.IsTrue(data.Rows[0].Label);
        Assert.AreEqual(0.5f, data.Rows[0].Score);
        Assert.AreEqual("dull, long", data.Rows[1].Text);
        Assert.IsFalse(data.Rows[1].Label);
        Assert.AreEqual(-1f, data.Rows[1].Score);
    }

    [TestMethod]
    public void Csv_WithoutHeader_UsesLoadColumnIndicesAndQuoting()
    {
        var path = TempFolder.WriteFile("r.csv", "3,\"hello, world\"\n7,\"say \"\"hi\"\"\"\n");
        var data = new MLContext().Data.LoadFromTextFile<ByIndex>(path, separatorChar: ',');
        Assert.AreEqual(3, data.Rows[0].Category);
        Assert.AreEqual("hello, world", data.Rows[0].Text);
        Assert.AreEqual("say \"hi\"", data.Rows[1].Text);
        Assert.AreEqual("Label", data.Schema[1].Name);
    }

    [TestMethod]
    public void ColumnSources_MapRowColumnsToOtherHeaderNamesOrIndices()
    {
        var named = TempFolder.WriteFile("r.tsv", "stars\treview\tsentiment\n5\tgreat film\ttrue\n");
        var data = new MLContext().Data.LoadFromTextFile<Review>(named, hasHeader: true,
            columnSources: new Dictionary<string, string> { ["Text"] = "review", ["Label"] = "sentiment", ["Score"] = "stars" });
        Assert.AreEqual("great film", data.Rows[0].Text);
        Assert.IsTrue(data.Rows[0].Label);
        Assert.AreEqual(5f, data.Rows[0].Score);

        var unnamed = TempFolder.WriteFile("r.tsv", "dull\t0\t1\n");
        data = new MLContext().Data.LoadFromTextFile<Review>(unnamed, columnSources: new Dictionary<string, string> { ["Text"] = "0", ["Label"] = "1", ["Score"] = "2" });
        Assert.AreEqual("dull", data.Rows[0].Text);
        Assert.IsFalse(data.Rows[0].Label);

        var e = Assert.ThrowsExactly<ArgumentException>(() => new MLContext().Data.LoadFromTextFile<Review>(named, hasHeader: true,
            columnSources: new Dictionary<string, string> { ["Text"] = "body" }));
        StringAssert.Contains(e.Message, "'body'");
        StringAssert.Contains(e.Message, "'stars', 'review', 'sentiment'");
    }

    [TestMethod]
    public void MissingHeaderColumn_NamesItAndListsTheHeader()
    {
        var path = TempFolder.WriteFile("r.tsv", "score\ttext\n1\ta\n");
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MLContext().Data.LoadFromTextFile<Review>(path, hasHeader: true));
        StringAssert.Contains(e.Message, "'Label'");
        StringAssert.Contains(e.Message, "'score', 'text'");
    }

    [TestMethod]
    public void BadValue_NamesLineColumnAndValue()
    {
        var path = TempFolder.WriteFile("r.tsv", "text\tlabel\tscore\nok\ttrue\t1\nbad\tmaybe\t2\n");
        var e = Assert.ThrowsExactly<FormatException>(() => new MLContext().Data.LoadFromTextFile<Review>(path, hasHeader: true));
        StringAssert.Contains(e.Message, "line 3");
        StringAssert.Contains(e.Message, "'maybe'");
        StringAssert.Contains(e.Message, "'Label'");
    }

    [TestMethod]
    public void ShortLine_SaysHowManyFieldsItHas()
    {
        var path = TempFolder.WriteFile("r.tsv", "1\tfine\n2\n");
        var e = Assert.ThrowsExactly<FormatException>(() => new MLContext().Data.LoadFromTextFile<ByIndex>(path));
        StringAssert.Contains(e.Message, "only 1 fields");
    }

    [TestMethod]
    public void NonUtf8Text_IsAClearError()
    {
        var path = TempFolder.WriteFile("r.tsv", [(byte)'1', (byte)'\t', 0xC3, 0x28, (byte)'\n']);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Data.LoadFromTextFile<ByIndex>(path));
        StringAssert.Contains(e.Message, "not valid UTF-8");
    }

    [TestMethod]
    public void MissingFile_IsFileNotFound()
    {
        Assert.ThrowsExactly<FileNotFoundException>(() => new MLContext().Data.LoadFromTextFile<ByIndex>("/no/such.tsv"));
    }

    [TestMethod]
    public void GetColumn_MissingOrWrongType_ListsWhatExists()
    {
        var data = new MLContext().Data.LoadFromEnumerable([new Review { Text = "x" }]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => data.GetColumn("Sentence", "text column"));
        StringAssert.Contains(e.Message, "text column 'Sentence' was not found");
        StringAssert.Contains(e.Message, "'Text' (String), 'Label' (Boolean), 'Score' (Single)");
        var t = Assert.ThrowsExactly<ArgumentException>(() => data.GetColumn("Score", "text column", typeof(string)));
        StringAssert.Contains(t.Message, "has type Single; expected String");
    }

    [TestMethod]
    public void LoadingLogsToTheContext()
    {
        var ctx = new MLContext();
        var messages = new List<string>();
        ctx.Log += (_, e) => messages.Add(e.Message);
        ctx.Data.LoadFromTextFile<ByIndex>(TempFolder.WriteFile("r.tsv", "1\ta\n"));
        Assert.IsTrue(messages.Any(m => m.Contains("loaded 1 rows")));
    }
}

using System.Text;
using System.Text.Json;
using MlNetLion.Data;

namespace MlNetLion.Samples.Tests;

[TestClass]
public sealed class SpamAssassinCorpusTests
{
    public sealed class Row
    {
        public string Label { get; set; } = "";
        public string Text { get; set; } = "";
    }

    [TestMethod]
    public void BodyOf_IsWhatFollowsTheFirstBlankLine()
    {
        Assert.AreEqual("body\n\nmore", SpamAssassinCorpus.BodyOf("From: a\nSubject: b\n\nbody\n\nmore"));
        Assert.AreEqual("body", SpamAssassinCorpus.BodyOf("From: a\r\nSubject: b\r\n\r\nbody"));
        Assert.AreEqual("", SpamAssassinCorpus.BodyOf("From: a\nSubject: no body\n"));
    }

    [TestMethod]
    public void NormalizeWhitespace_CollapsesAsciiWhitespaceOnly()
    {
        Assert.AreEqual("a b c", SpamAssassinCorpus.NormalizeWhitespace(" \t a \r\n\f\v b  c \n"));
        Assert.AreEqual("a\u00a0b", SpamAssassinCorpus.NormalizeWhitespace("a\u00a0b"));
        Assert.AreEqual("", SpamAssassinCorpus.NormalizeWhitespace(" \n "));
    }

    [TestMethod]
    public void Load_DropsLaterDuplicatesOfTheTextUsed_AndLeavesHardHamOutByDefault()
    {
        var data = MakeCorpus();
        var corpus = new SpamAssassinCorpus(data);

        var full = corpus.Load(bodyOnly: false);
        Assert.AreEqual(0, full.DuplicatesRemoved, "headers differ, so no whole mail is a duplicate");
        Assert.AreEqual(5, full.MailsRead);
        CollectionAssert.AreEqual(new[] { "easy-ham-1", "easy-ham-1", "easy-ham-2", "spam-1", "spam-2" }, full.Rows.Select(r => r.Group).ToArray());
        CollectionAssert.AreEqual(new[] { "ham", "ham", "ham", "spam", "spam" }, full.Rows.Select(r => r.Label).ToArray());
        StringAssert.StartsWith(full.Rows[0].Text, "Subject: 1");

        var body = corpus.Load();
        Assert.AreEqual(2, body.DuplicatesRemoved, "easy-ham-2 repeats a body with other spacing; spam-2 repeats spam-1's");
        CollectionAssert.AreEqual(new[] { "hello  there\n", "second ham", "buy now" }, body.Rows.Select(r => r.Text).ToArray());

        var withHard = corpus.Load(includeHardHam: true);
        Assert.AreEqual(6, withHard.MailsRead);
        Assert.AreEqual("hard-ham-1", withHard.Rows.Single(r => r.Text == "hard one").Group);
    }

    [TestMethod]
    public void Split_MatchesThePythonExporter()
    {
        // bench/baselines/spamassassin_export.py's split() on the same rows gives exactly these lists.
        var rows = Enumerable.Range(0, 10).Select(i => new SpamAssassinCorpus.Mail($"ham mail {i}", "ham", "easy-ham-1"))
            .Concat(Enumerable.Range(0, 5).Select(i => new SpamAssassinCorpus.Mail($"spam mail {i}", "spam", "spam-1")))
            .ToList();
        var split = SpamAssassinCorpus.Split(rows);
        CollectionAssert.AreEqual(new[] { "spam mail 0", "ham mail 8", "ham mail 2" }, split.Test.Select(r => r.Text).ToArray());
        CollectionAssert.AreEqual(
            new[] { "ham mail 1", "ham mail 9", "ham mail 4", "spam mail 2", "ham mail 3", "spam mail 3", "ham mail 6", "ham mail 7", "ham mail 0", "ham mail 5", "spam mail 4", "spam mail 1" },
            split.Train.Select(r => r.Text).ToArray());
    }

    [TestMethod]
    public void WriteTsv_ReadsBackWithQuoting()
    {
        var texts = new[] { "\"quoted\" start\tand tab", "lines\r\nand \"\"doubled\"\"", "plain" };
        var path = Path.Combine(TempFolder(), "mails.tsv");
        SpamAssassinCorpus.WriteTsv(path, texts.Select(t => new SpamAssassinCorpus.Mail(t, "spam", "spam-1")));

        var lines = File.ReadAllText(path, Encoding.UTF8).Split('\n');
        Assert.AreEqual("Label\tText", lines[0]);
        Assert.AreEqual("spam\tplain", lines[3]);
        var read = new MLContext(1).Data.LoadFromTextFile<Row>(path, hasHeader: true, allowQuoting: true);
        CollectionAssert.AreEqual(
            new[] { "\"quoted\" start and tab", "lines  and \"\"doubled\"\"", "plain" },
            read.Rows.Select(r => r.Text).ToArray());
    }

    [TestMethod]
    public void Locate_NamesTheInstallScript_WhenTheFolderIsMissing()
    {
        var missing = Path.Combine(TempFolder(), "nowhere");
        var e = Assert.ThrowsExactly<DirectoryNotFoundException>(() => new SpamAssassinCorpus(missing));
        StringAssert.Contains(e.Message, "bash eng/install.sh");
        StringAssert.Contains(e.Message, missing);
    }

    [TestMethod]
    public void InstalledCorpus_HasTheDocumentedCounts()
    {
        SpamAssassinCorpus corpus;
        try { corpus = new SpamAssassinCorpus(); }
        catch (DirectoryNotFoundException) { Assert.Inconclusive("The corpus is not installed; run `bash eng/install.sh`."); return; }

        var full = corpus.Load(bodyOnly: false);
        Assert.AreEqual((5796, 0, 3900), (full.Rows.Count, full.DuplicatesRemoved, full.Rows.Count(r => r.Label == "ham")));
        var body = corpus.Load(bodyOnly: true);
        Assert.AreEqual((5589, 207, 1729), (body.Rows.Count, body.DuplicatesRemoved, body.Rows.Count(r => r.Label == "spam")));
        var split = SpamAssassinCorpus.Split(body.Rows);
        Assert.AreEqual((4471, 1118), (split.Train.Count, split.Test.Count));

        // Every real mail survives the TSV round trip through the library's loader.
        var path = Path.Combine(TempFolder(), "body.test.tsv");
        SpamAssassinCorpus.WriteTsv(path, split.Test);
        var read = new MLContext(1).Data.LoadFromTextFile<Row>(path, hasHeader: true);
        CollectionAssert.AreEqual(split.Test.Select(r => SpamAssassinCorpus.TsvFlatten(r.Text)).ToArray(), read.Rows.Select(r => r.Text).ToArray());
        CollectionAssert.AreEqual(split.Test.Select(r => r.Label).ToArray(), read.Rows.Select(r => r.Label).ToArray());
    }

    private static string MakeCorpus()
    {
        var data = TempFolder();
        void Mail(string group, string name, string text)
        {
            Directory.CreateDirectory(Path.Combine(data, group));
            var json = JsonSerializer.Serialize(new { id = name, group, checksum = new { type = "MD5", value = "0" }, text });
            File.WriteAllText(Path.Combine(data, group, name + ".json"), json);
            File.WriteAllText(Path.Combine(data, group, name + ".txt"), text); // the package ships these too; ignored
        }
        Mail("easy-ham-1", "00002.b", "Subject: 2\n\nsecond ham");
        Mail("easy-ham-1", "00001.a", "Subject: 1\n\nhello  there\n");
        Mail("easy-ham-2", "00001.c", "Subject: 3\n\n hello\tthere");
        Mail("hard-ham-1", "00001.d", "Subject: 4\n\nhard one");
        Mail("spam-1", "00001.e", "Subject: 5\n\nbuy now");
        Mail("spam-2", "00001.f", "Subject: 6\r\n\r\nbuy now");
        return data;
    }

    private static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mlnet-lion-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

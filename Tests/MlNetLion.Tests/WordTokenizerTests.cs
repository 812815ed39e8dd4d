using MlNetLion.Text;

namespace MlNetLion.Tests;

[TestClass]
public sealed class WordTokenizerTests
{
    [TestMethod]
    public void Split_LowercasesWordsAndIsolatesPunctuation()
    {
        CollectionAssert.AreEqual(new[] { "don", "'", "t", "stop", "!", "ünïcode", "42x", "$", "5" },
            WordTokenizer.Split("Don't  STOP!\tÜnïcode 42x $5").ToArray());
        Assert.AreEqual(0, WordTokenizer.Split("").Count());
        Assert.AreEqual(0, WordTokenizer.Split("   \n").Count());
    }

    [TestMethod]
    public void Learn_KeepsFrequentWordsMostFrequentFirst()
    {
        var t = WordTokenizer.Learn(["the cat", "the dog", "the cat sat", "a"], maxVocabulary: 10, minCount: 2);
        CollectionAssert.AreEqual(new[] { "the", "cat" }, t.Words.ToArray());
        Assert.AreEqual(4, t.VocabularySize);
        CollectionAssert.AreEqual(new[] { 2, 3, WordTokenizer.UnknownId }, t.Encode("The CAT sat", 10));
        CollectionAssert.AreEqual(new[] { 2 }, t.Encode("the cat", 1));
        var capped = WordTokenizer.Learn(["a a a b b c"], maxVocabulary: 2, minCount: 1);
        CollectionAssert.AreEqual(new[] { "a", "b" }, capped.Words.ToArray());
    }

    [TestMethod]
    public void SaveLoad_RoundTrips_AndRejectsUnknownVersions()
    {
        var t = WordTokenizer.Learn(["x y z x y x"], minCount: 1);
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) t.Save(w);
        ms.Position = 0;
        var loaded = WordTokenizer.Load(new BinaryReader(ms));
        CollectionAssert.AreEqual(t.Words.ToArray(), loaded.Words.ToArray());
        var bad = new MemoryStream(BitConverter.GetBytes(99));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => WordTokenizer.Load(new BinaryReader(bad))).Message, "version 99");
    }
}

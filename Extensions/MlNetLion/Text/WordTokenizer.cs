using System.Globalization;
using System.Text;

namespace MlNetLion.Text;

/// <summary>
/// Splits text into lower-case word tokens and maps them to ids from a vocabulary learned on the
/// training data (most frequent first). Id 0 is padding, id 1 stands for any word not in the
/// vocabulary. Words are runs of letters, digits and marks; every other non-space character is a
/// token of its own, so "don't!" becomes [don, ', t, !].
/// </summary>
public sealed class WordTokenizer
{
    /// <summary>The id that pads sequences to a common length.</summary>
    public const int PadId = 0;

    /// <summary>The id of words that are not in the vocabulary.</summary>
    public const int UnknownId = 1;

    private const int FormatVersion = 1;
    private readonly Dictionary<string, int> _ids;

    private WordTokenizer(IReadOnlyList<string> words)
    {
        Words = words;
        _ids = new Dictionary<string, int>(words.Count, StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++) _ids[words[i]] = i + 2;
    }

    /// <summary>The learned words, in id order starting at id 2.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Number of ids, padding and unknown included.</summary>
    public int VocabularySize => Words.Count + 2;

    /// <summary>Learns the <paramref name="maxVocabulary"/> most frequent words seen at least <paramref name="minCount"/> times.</summary>
    public static WordTokenizer Learn(IEnumerable<string> texts, int maxVocabulary = 30_000, int minCount = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxVocabulary, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
            foreach (var token in Split(text))
                counts[token] = counts.GetValueOrDefault(token) + 1;
        var words = counts.Where(kv => kv.Value >= minCount)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(maxVocabulary).Select(kv => kv.Key).ToArray();
        return new WordTokenizer(words);
    }

    /// <summary>The tokens of <paramref name="text"/>, lower-cased.</summary>
    public static IEnumerable<string> Split(string text)
    {
        var word = new StringBuilder();
        foreach (var rune in (text ?? "").EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsLetterOrDigit(rune) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                word.Append(Rune.ToLowerInvariant(rune).ToString());
                continue;
            }
            if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
            if (!Rune.IsWhiteSpace(rune) && !Rune.IsControl(rune)) yield return rune.ToString();
        }
        if (word.Length > 0) yield return word.ToString();
    }

    /// <summary>The id of each token, truncated to <paramref name="maxLength"/> ids (no padding).</summary>
    public int[] Encode(string text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        return Split(text).Take(maxLength).Select(Id).ToArray();
    }

    /// <summary>The id of a token (<see cref="UnknownId"/> for a word not in the vocabulary).</summary>
    public int Id(string token) => _ids.GetValueOrDefault(token, UnknownId);

    /// <summary>Writes the vocabulary (format version, count, words).</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(FormatVersion);
        writer.Write(Words.Count);
        foreach (var w in Words) writer.Write(w);
    }

    /// <summary>Reads a vocabulary written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">Unknown format version or a damaged vocabulary.</exception>
    public static WordTokenizer Load(BinaryReader reader)
    {
        var version = reader.ReadInt32();
        if (version != FormatVersion) throw new InvalidDataException($"Tokenizer format version {version} is not supported (expected {FormatVersion}).");
        var count = reader.ReadInt32();
        if (count < 0) throw new InvalidDataException($"Tokenizer vocabulary size {count} is invalid.");
        var words = new string[count];
        for (var i = 0; i < count; i++) words[i] = reader.ReadString();
        return new WordTokenizer(words);
    }
}

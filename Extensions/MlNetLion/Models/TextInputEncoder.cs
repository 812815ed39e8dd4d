using MlNetLion.Text;
using MlNetLion.Torch;

namespace MlNetLion;

/// <summary>
/// Text to token ids with a <see cref="WordTokenizer"/> learned from the training data. With
/// <see cref="NgramBuckets"/> &gt; 0 the words are followed by hashed n-gram ids, numbered from the
/// vocabulary size on: for the bag-of-n-grams model, one per adjacent word-id pair; with
/// <see cref="CharNgramMax"/> &gt; 0 (the transformer's wide path), one per adjacent word pair and one per
/// character n-gram of each word (lengths <see cref="CharNgramMin"/> to <see cref="CharNgramMax"/>, the word
/// wrapped in "&lt;" and "&gt;", as scikit-learn's char_wb analyzer pads with spaces), so words outside the
/// vocabulary and word forms still carry evidence.
/// </summary>
internal sealed class TextInputEncoder(string columnName, WordTokenizer tokenizer, int maxLength, int ngramBuckets,
    int charNgramMin = 0, int charNgramMax = 0, int wideMaxLength = 0) : InputEncoder(columnName)
{
    private const string KindWithCharNgrams = "text/char-ngrams", KindWithWideLength = "text/wide-ngrams";

    public override string Kind => "text";
    public override Type[] AllowedTypes => [typeof(string)];
    public WordTokenizer Tokenizer { get; } = tokenizer;
    public int MaxLength { get; } = maxLength;
    public int NgramBuckets { get; } = ngramBuckets;
    public int CharNgramMin { get; } = charNgramMin;
    public int CharNgramMax { get; } = charNgramMax > 0 && ngramBuckets == 0
        ? throw new ArgumentOutOfRangeException(nameof(charNgramMax), "Character n-grams need n-gram buckets.") : charNgramMax;

    /// <summary>Tokens the wide path reads (its n-grams, and the words past <see cref="MaxLength"/>, which follow them).</summary>
    public int WideMaxLength { get; } = Math.Max(wideMaxLength, maxLength);

    /// <summary>Ids the model's embedding must hold.</summary>
    public int InputVocabularySize => Tokenizer.VocabularySize + NgramBuckets;

    public override object? Featurize(object? value, bool training, out string? problem)
    {
        var text = value as string ?? "";
        problem = null;
        if (training && string.IsNullOrWhiteSpace(text))
        {
            problem = "the text is empty";
            return null;
        }
        if (CharNgramMax > 0) return WordsThenNgrams(text);
        var words = Tokenizer.Encode(text, MaxLength);
        if (NgramBuckets == 0) return words;
        var ids = new int[Math.Max(0, 2 * words.Length - 1)];
        words.CopyTo(ids, 0);
        for (var i = 1; i < words.Length; i++)
            ids[words.Length + i - 1] = Bucket(PairHash((uint)words[i - 1], (uint)words[i]));
        return ids;
    }

    /// <summary>The first <see cref="MaxLength"/> words (what the encoder reads), the n-grams of the first
    /// <see cref="WideMaxLength"/> tokens, then the words after <see cref="MaxLength"/> (the wide path's only).</summary>
    private int[] WordsThenNgrams(string text)
    {
        var tokens = WordTokenizer.Split(text).Take(WideMaxLength).ToArray();
        var ids = new List<int>(tokens.Length * (2 + 4 * (CharNgramMax - CharNgramMin + 1)));
        var encoderWords = Math.Min(tokens.Length, MaxLength);
        for (var i = 0; i < encoderWords; i++) ids.Add(Tokenizer.Id(tokens[i]));
        for (var i = 1; i < tokens.Length; i++)
            ids.Add(Bucket(StringHash(StringHash(StringHash(PairSeed, tokens[i - 1]), " "), tokens[i])));
        foreach (var t in tokens)
        {
            var padded = "<" + t + ">";
            for (var n = CharNgramMin; n <= CharNgramMax; n++)
                for (var start = 0; start + n <= padded.Length; start++)
                    ids.Add(Bucket(StringHash(CharSeed, padded.AsSpan(start, n))));
        }
        for (var i = encoderWords; i < tokens.Length; i++) ids.Add(Tokenizer.Id(tokens[i]));
        return ids.ToArray();
    }

    private int Bucket(uint hash) => Tokenizer.VocabularySize + (int)(hash % (uint)NgramBuckets);

    // Fixed hashes (saved models depend on them, so they must never change; not HashCode, which differs per process).
    private const uint PairSeed = 0x811C9DC5u, CharSeed = 0x9747B28Cu;

    /// <summary>FNV-1a over the UTF-16 code units, from <paramref name="seed"/>.</summary>
    private static uint StringHash(uint seed, ReadOnlySpan<char> s)
    {
        var h = seed;
        foreach (var c in s) h = (h ^ c) * 0x01000193u;
        return h;
    }

    /// <summary>A fixed hash of a word-id pair.</summary>
    private static uint PairHash(uint a, uint b)
    {
        var h = a * 0x9E3779B1u + b * 0x85EBCA77u;
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 12;
        return h;
    }

    public override Tensor Collate(IReadOnlyList<object> features, Device device)
    {
        var length = 1;
        foreach (int[] f in features) length = Math.Max(length, f.Length);
        var batch = new long[features.Count * length];
        for (var r = 0; r < features.Count; r++)
        {
            var f = (int[])features[r];
            for (var i = 0; i < f.Length; i++) batch[r * length + i] = f[i];
        }
        return Tensor.From<long>(batch, [features.Count, length], device);
    }

    /// <summary>Writes kind "text" (the layout older versions read) unless character n-grams are on.</summary>
    public override void Save(BinaryWriter writer)
    {
        writer.Write(CharNgramMax > 0 ? KindWithWideLength : Kind);
        writer.Write(ColumnName);
        writer.Write(MaxLength);
        writer.Write(NgramBuckets);
        if (CharNgramMax > 0)
        {
            writer.Write(CharNgramMin);
            writer.Write(CharNgramMax);
            writer.Write(WideMaxLength);
        }
        Tokenizer.Save(writer);
    }

    /// <summary>Reads what follows the kind written by <see cref="Save"/>, or null for a kind that is not a text encoder's.</summary>
    public static TextInputEncoder? LoadBody(string kind, BinaryReader reader)
    {
        if (kind != "text" && kind != KindWithCharNgrams && kind != KindWithWideLength) return null;
        var column = reader.ReadString();
        var maxLength = reader.ReadInt32();
        var buckets = reader.ReadInt32();
        var (charMin, charMax) = kind == "text" ? (0, 0) : (reader.ReadInt32(), reader.ReadInt32());
        var wideMaxLength = kind == KindWithWideLength ? reader.ReadInt32() : maxLength;
        if (maxLength < 1 || buckets < 0 || wideMaxLength < maxLength || (charMax > 0 && (charMin < 1 || charMin > charMax || buckets == 0)))
            throw new InvalidDataException($"The model's text settings are damaged (max length {maxLength}, wide max length {wideMaxLength}, buckets {buckets}, character n-grams {charMin}-{charMax}).");
        return new TextInputEncoder(column, WordTokenizer.Load(reader), maxLength, buckets, charMin, charMax, wideMaxLength);
    }
}

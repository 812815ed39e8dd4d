using MlNetLion.Text;
using MlNetLion.Torch;

namespace MlNetLion;

/// <summary>
/// Text to token ids with a <see cref="WordTokenizer"/> learned from the training data. With
/// <see cref="NgramBuckets"/> &gt; 0 (the bag-of-n-grams model) each adjacent word pair also gets a hashed
/// id after the vocabulary, so the model sees bigrams.
/// </summary>
internal sealed class TextInputEncoder(string columnName, WordTokenizer tokenizer, int maxLength, int ngramBuckets) : InputEncoder(columnName)
{
    public override string Kind => "text";
    public override Type[] AllowedTypes => [typeof(string)];
    public WordTokenizer Tokenizer { get; } = tokenizer;
    public int MaxLength { get; } = maxLength;
    public int NgramBuckets { get; } = ngramBuckets;

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
        var words = Tokenizer.Encode(text, MaxLength);
        if (NgramBuckets == 0) return words;
        var ids = new int[Math.Max(0, 2 * words.Length - 1)];
        words.CopyTo(ids, 0);
        for (var i = 1; i < words.Length; i++)
        {
            var h = PairHash((uint)words[i - 1], (uint)words[i]);
            ids[words.Length + i - 1] = Tokenizer.VocabularySize + (int)(h % (uint)NgramBuckets);
        }
        return ids;
    }

    /// <summary>A fixed hash of a word pair (saved models depend on it, so it must never change; not <see cref="HashCode"/>, which differs per process).</summary>
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

    public override void Save(BinaryWriter writer)
    {
        writer.Write(Kind);
        writer.Write(ColumnName);
        writer.Write(MaxLength);
        writer.Write(NgramBuckets);
        Tokenizer.Save(writer);
    }

    public static TextInputEncoder LoadBody(BinaryReader reader)
    {
        var column = reader.ReadString();
        var maxLength = reader.ReadInt32();
        var buckets = reader.ReadInt32();
        if (maxLength < 1 || buckets < 0) throw new InvalidDataException($"The model's text settings are damaged (max length {maxLength}, buckets {buckets}).");
        return new TextInputEncoder(column, WordTokenizer.Load(reader), maxLength, buckets);
    }
}

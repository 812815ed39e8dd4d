namespace MlNetLion.Torch;

/// <summary>
/// Sizes of the transformer-encoder text classifier built by <see cref="Models.TextTransformer"/>:
/// token embedding (id 0 is padding) + learned positions → <see cref="Layers"/> encoder layers
/// (multi-head self-attention that ignores padding, GELU feed-forward) → mean over the non-padding
/// positions → LayerNorm → linear head. The defaults suit a few thousand to a few hundred thousand
/// rows on a CPU; wider or deeper models want more data.
/// </summary>
public sealed record TextTransformerOptions
{
    /// <summary>Number of token ids, padding (id 0) included. Required.</summary>
    public required int VocabularySize { get; init; }

    /// <summary>Number of classes (logits per row). Required.</summary>
    public required int Classes { get; init; }

    /// <summary>Longest input (tokens per row) the model accepts; it has one learned position per token. Default 256.</summary>
    public int MaxLength { get; init; } = 256;

    /// <summary>Width of embeddings and of every layer; a multiple of <see cref="Heads"/>. Default 128.</summary>
    public int EmbeddingDim { get; init; } = 128;

    /// <summary>Attention heads per layer. Default 4.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Encoder layers (0 gives a pooled-embedding model). Default 2.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Hidden width of each layer's feed-forward block. Default 256 (twice <see cref="EmbeddingDim"/>).</summary>
    public int FeedForwardDim { get; init; } = 256;

    /// <summary>Dropout after embeddings, in attention, in the feed-forward blocks and before the head, in [0, 1). Default 0.1.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>Pre-norm layers (LayerNorm before attention and feed-forward), which train stably at higher
    /// learning rates; false gives the original post-norm layers. Default true.</summary>
    public bool NormFirst { get; init; } = true;

    /// <summary>Adds a bag-of-words linear model over the same ids to the logits (parameter "wide.weight",
    /// [vocabulary, classes], zero-initialised): wide &amp; deep, so word evidence is learned as by a logistic
    /// regression over TF-IDF features. Each token weighs its inverse document frequency, held in the buffer
    /// "wide_idf" ([vocabulary], ones until set, e.g. from the training data), over the L2 norm of its row's
    /// weights. Default false.</summary>
    public bool Wide { get; init; }

    /// <summary>Ids that only the wide path reads (hashed n-grams), numbered from <see cref="VocabularySize"/> on;
    /// they need <see cref="Wide"/>. Each input row is then its word ids (below <see cref="VocabularySize"/>, at
    /// most <see cref="MaxLength"/> of them, first) followed by any number of these, then, for long texts, more
    /// words; the encoder reads only the first words. Default 0 (none).</summary>
    public int WideBuckets { get; init; }

    /// <summary>With <see cref="WideBuckets"/>: the wide path weighs each distinct id of a row by idf × (1 + ln tf)
    /// and normalises the row's words and its wide-only ids apart (each block over its own L2 norm), as stacking
    /// scikit-learn's word and character TF-IDF features (sublinear tf) does, so that the many character n-grams do
    /// not drown the words and a repeated token does not drown the rest. Default false (idf per occurrence, one
    /// norm over the row).</summary>
    public bool WideSeparateNorms { get; init; }

    internal void Validate()
    {
        ModelOptionChecks.AtLeast(VocabularySize, 2, nameof(VocabularySize), "id 0 is padding, so at least one real token");
        ModelOptionChecks.AtLeast(Classes, 1, nameof(Classes));
        ModelOptionChecks.AtLeast(MaxLength, 1, nameof(MaxLength));
        ModelOptionChecks.AtLeast(Heads, 1, nameof(Heads));
        ModelOptionChecks.AtLeast(EmbeddingDim, 1, nameof(EmbeddingDim));
        if (EmbeddingDim % Heads != 0)
            throw new ArgumentOutOfRangeException(nameof(EmbeddingDim), EmbeddingDim,
                $"{nameof(EmbeddingDim)} must be a multiple of {nameof(Heads)} ({Heads}).");
        ModelOptionChecks.AtLeast(Layers, 0, nameof(Layers));
        ModelOptionChecks.AtLeast(FeedForwardDim, 1, nameof(FeedForwardDim));
        ModelOptionChecks.Probability(Dropout, nameof(Dropout));
        ModelOptionChecks.AtLeast(WideBuckets, 0, nameof(WideBuckets));
        if (WideBuckets > 0 && !Wide)
            throw new ArgumentOutOfRangeException(nameof(WideBuckets), WideBuckets, $"{nameof(WideBuckets)} needs the wide path ({nameof(Wide)} = true).");
        if (WideSeparateNorms && WideBuckets == 0)
            throw new ArgumentOutOfRangeException(nameof(WideSeparateNorms), WideSeparateNorms, $"{nameof(WideSeparateNorms)} needs {nameof(WideBuckets)} > 0.");
    }
}

namespace MlNetLion.Torch;

/// <summary>
/// Sizes of the bag-of-n-grams text classifier built by <see cref="Models.BagOfNgrams"/> (fastText's
/// shape): the mean of the embeddings of a row's n-gram ids (id 0 is padding and ignored) → an
/// optional hidden layer → linear head. Fast to train, strong on small data sets.
/// </summary>
public sealed record BagOfNgramsOptions
{
    /// <summary>Number of n-gram ids (hash buckets or vocabulary entries), padding (id 0) included. Required.</summary>
    public required int VocabularySize { get; init; }

    /// <summary>Number of classes (logits per row). Required.</summary>
    public required int Classes { get; init; }

    /// <summary>Width of the n-gram embeddings. Default 64.</summary>
    public int EmbeddingDim { get; init; } = 64;

    /// <summary>Width of a GELU hidden layer between the pooled embedding and the head; 0 (the default) for none.</summary>
    public int HiddenDim { get; init; }

    /// <summary>Dropout on the pooled embedding (and the hidden layer), in [0, 1). Default 0.</summary>
    public double Dropout { get; init; }

    internal void Validate()
    {
        ModelOptionChecks.AtLeast(VocabularySize, 2, nameof(VocabularySize), "id 0 is padding, so at least one real id");
        ModelOptionChecks.AtLeast(Classes, 1, nameof(Classes));
        ModelOptionChecks.AtLeast(EmbeddingDim, 1, nameof(EmbeddingDim));
        ModelOptionChecks.AtLeast(HiddenDim, 0, nameof(HiddenDim));
        ModelOptionChecks.Probability(Dropout, nameof(Dropout));
    }
}

namespace MlNetLion.Trainers;

/// <summary>The text network.</summary>
public enum TextModelArchitecture
{
    /// <summary>Token embedding + learned positions + pre-norm transformer encoder layers + masked mean pooling + linear head.</summary>
    Transformer,
    /// <summary>Averaged embeddings of words and hashed word pairs (fastText-like): fast, strong on small data.</summary>
    BagOfNgrams,
}

/// <summary>Options of the text classification trainer (ML.NET's <c>TextClassificationTrainer.Options</c> names where they exist).</summary>
public sealed class TextClassificationOptions : ClassificationTrainerOptions
{
    /// <summary>Text defaults; <see cref="ClassificationTrainerOptions.LabelSmoothing"/> is 0.1 here. Under Lion the
    /// wide path's weights move by the full learning rate whatever the size of their gradient, so without smoothing
    /// the words of texts already classified right keep growing; with 0.1 the gradient turns once a text's class
    /// has about 90% and the weights settle. On the 5 folds of debian-sections the wide path alone went from 67.71% to
    /// 68.99% after 4 epochs, and with <see cref="WideLearningRateScale"/> 5 instead of 10 it reached 69.17% after 10
    /// epochs, against 68.08% without either (docs/baselines.md).</summary>
    public TextClassificationOptions() => LabelSmoothing = 0.1;

    /// <summary>The text column (string). Default "Sentence1", as in ML.NET.</summary>
    public string Sentence1ColumnName { get; set; } = "Sentence1";

    /// <summary>The network.</summary>
    public TextModelArchitecture Architecture { get; set; } = TextModelArchitecture.Transformer;

    /// <summary>Tokens kept per text (longer texts are truncated).</summary>
    public int MaxLength { get; set; } = 256;

    /// <summary>The most words the vocabulary learned from the training data holds.</summary>
    public int MaxVocabularySize { get; set; } = 30_000;

    /// <summary>Words seen fewer times in the training data map to "unknown".</summary>
    public int MinWordCount { get; set; } = 2;

    /// <summary>Size of token embeddings and of the transformer's hidden state.</summary>
    public int EmbeddingDim { get; set; } = 128;

    /// <summary>Transformer encoder layers.</summary>
    public int Layers { get; set; } = 2;

    /// <summary>Attention heads per layer (must divide <see cref="EmbeddingDim"/>).</summary>
    public int Heads { get; set; } = 4;

    /// <summary>Width of the transformer's feed-forward blocks.</summary>
    public int FeedForwardDim { get; set; } = 256;

    /// <summary>Adds a bag-of-words linear path to the transformer's logits (wide &amp; deep), which small data sets need.</summary>
    public bool WideBagOfWords { get; set; } = true;

    /// <summary>The wide path's learning rate as a multiple of the optimizer's (it starts at zero and must
    /// grow to logistic-regression-sized weights within the run). How far its weights can travel, this times the
    /// number of steps, is what regularises it: on debian-sections' 5 folds with the default 10 epochs, 3 gave
    /// 69.03%, 5 gave 69.17% and 10 gave 68.15% (docs/baselines.md).</summary>
    public double WideLearningRateScale { get; set; } = 5;

    /// <summary>Lion's beta2 for the wide path (default 0.3; the other parameters use the optimizer's). Under Lion
    /// every weight whose momentum is not zero moves by the full learning rate each step, so the weight of a word
    /// seen once keeps moving long after: with the usual 0.99 its momentum takes thousands of steps to fade to
    /// zero, with 0.3 less than a hundred. A TF-IDF linear model alone trained with Lion on the 21-class
    /// debian-sections set reached 62% test accuracy with 0.99 and 69% with 0.3 (docs/baselines.md). Ignored by other
    /// optimizers.</summary>
    public double WideLionBeta2 { get; set; } = 0.3;

    /// <summary>Hash buckets for the wide path's n-grams: each adjacent word pair and each character n-gram of each
    /// word (<see cref="WideCharNgramMin"/> to <see cref="WideCharNgramMax"/> characters) is hashed to one. 0 gives
    /// a wide path over the vocabulary's words only. The wide weights are buckets × classes; with more than 32 classes
    /// the buckets are cut so that these stay under 2^23 (8.4M) weights (the log says so).</summary>
    public int WideNgramBuckets { get; set; } = 1 << 18;

    /// <summary>Shortest character n-gram of the wide path (words are wrapped in "&lt;" and "&gt;" first).</summary>
    public int WideCharNgramMin { get; set; } = 2;

    /// <summary>Longest character n-gram of the wide path.</summary>
    public int WideCharNgramMax { get; set; } = 5;

    /// <summary>With the wide path, the fraction of the training steps in which only the wide path learns (with the
    /// head's bias, its intercept); the encoder (embeddings, layers, head weights) starts after it, at the learning rate
    /// the schedule has reached, and learns what the wide path has not fitted. While it waits the encoder is frozen and
    /// its head is zero (a new network's head starts at zero when this is above 0), so the wide path learns exactly
    /// alone and the encoder is skipped, forward and backward: that part of the run costs a tenth as much. Trained
    /// together from the start, the encoder memorises a small training set within an epoch or two and adds that noise to
    /// the logits: on the 21-class debian-sections set, 3,924 rows, it cost 3 to 4 points of test accuracy; starting at
    /// half the run it still cost 1.4 points on the 5 paired folds, from 0.8 it adds 0.2 (docs/baselines.md). 0: both learn
    /// from the start.</summary>
    public double EncoderStartFraction { get; set; } = 0.8;

    /// <summary>Tokens of each text the wide path's n-grams cover (the encoder reads the first <see cref="MaxLength"/>;
    /// the wide path reads up to this many, and never fewer than <see cref="MaxLength"/>), so that long texts such as
    /// e-mails count all their words, as a TF-IDF model over the whole text does. Applies with n-grams
    /// (<see cref="WideNgramBuckets"/> &gt; 0).</summary>
    public int WideMaxLength { get; set; } = 4096;

    /// <summary>Dropout rate.</summary>
    public double Dropout { get; set; } = 0.1;

    /// <summary>Hash buckets for word pairs (bag-of-n-grams model).</summary>
    public int NgramBuckets { get; set; } = 1 << 18;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(Sentence1ColumnName)) throw new ArgumentException("Sentence1ColumnName must name the text column.", nameof(Sentence1ColumnName));
        Require(MaxLength >= 1, nameof(MaxLength), MaxLength, "at least 1");
        Require(MaxVocabularySize >= 1, nameof(MaxVocabularySize), MaxVocabularySize, "at least 1");
        Require(MinWordCount >= 1, nameof(MinWordCount), MinWordCount, "at least 1");
        Require(WideLearningRateScale > 0, nameof(WideLearningRateScale), WideLearningRateScale, "positive");
        Require(WideLionBeta2 is >= 0 and < 1, nameof(WideLionBeta2), WideLionBeta2, "in [0, 1)");
        Require(NgramBuckets >= 1, nameof(NgramBuckets), NgramBuckets, "at least 1");
        Require(WideNgramBuckets >= 0, nameof(WideNgramBuckets), WideNgramBuckets, "at least 0 (0: no n-grams)");
        Require(EncoderStartFraction is >= 0 and < 1, nameof(EncoderStartFraction), EncoderStartFraction, "in [0, 1)");
        Require(WideMaxLength >= 1, nameof(WideMaxLength), WideMaxLength, "at least 1");
        Require(WideCharNgramMin >= 1, nameof(WideCharNgramMin), WideCharNgramMin, "at least 1");
        Require(WideCharNgramMax >= WideCharNgramMin, nameof(WideCharNgramMax), WideCharNgramMax, $"at least {nameof(WideCharNgramMin)} ({WideCharNgramMin})");
    }

    internal override string Fingerprint() =>
        $"{base.Fingerprint()}|{Sentence1ColumnName}|{Architecture}|{MaxLength}|{MaxVocabularySize}|{MinWordCount}|{EmbeddingDim}|{Layers}|{Heads}|{FeedForwardDim}|{Dropout}|{NgramBuckets}|{WideBagOfWords}|{WideLearningRateScale}|{WideLionBeta2}|{WideNgramBuckets}|{WideCharNgramMin}|{WideCharNgramMax}|{WideMaxLength}|{EncoderStartFraction}";
}

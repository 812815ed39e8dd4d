using MlNetLion.Text;
using MlNetLion.Torch;

namespace MlNetLion.Trainers;

/// <summary>
/// Trains a text classifier from scratch: a vocabulary learned from the training texts, then a
/// transformer encoder (default) or a bag of n-grams. Create it with
/// <c>ctx.MulticlassClassification.Trainers.TextClassification(options)</c>.
/// </summary>
public sealed class TextClassificationTrainer : ClassificationTrainer
{
    internal TextClassificationTrainer(MLContext context, TextClassificationOptions options) : base(context, options) => Options = options;

    /// <summary>The options (changes made before <c>Fit</c> apply).</summary>
    public TextClassificationOptions Options { get; }

    internal override TrainerDefaults Defaults => Options.Architecture == TextModelArchitecture.BagOfNgrams
        ? new(LionLearningRate: 3e-3, LionWeightDecay: 0.01, AdamWLearningRate: 1e-2, AdamWWeightDecay: 0.01, SgdLearningRate: 0.5)
        : new(LionLearningRate: 3e-4, LionWeightDecay: 0.1, AdamWLearningRate: 1e-3, AdamWWeightDecay: 0.01, SgdLearningRate: 0.05);

    private protected override string InputColumnName => Options.Sentence1ColumnName;
    private protected override string InputRole => "text column";
    private protected override Type[] InputTypes => [typeof(string)];

    private protected override double LearningRateScale(NamedTensor parameter) =>
        parameter.Name == "wide.weight" ? Options.WideLearningRateScale : 1;

    private protected override InputEncoder CreateEncoder(IReadOnlyList<object?> values)
    {
        var tokenizer = WordTokenizer.Learn(values.OfType<string>(), Options.MaxVocabularySize, Options.MinWordCount);
        Log($"vocabulary: {tokenizer.Words.Count} words");
        var buckets = Options.Architecture == TextModelArchitecture.BagOfNgrams ? Options.NgramBuckets : 0;
        return new TextInputEncoder(Options.Sentence1ColumnName, tokenizer, Options.MaxLength, buckets);
    }

    private protected override (Module Network, ModelArchitecture Architecture) CreateNetwork(InputEncoder encoder, int classes)
    {
        var vocabulary = ((TextInputEncoder)encoder).InputVocabularySize;
        if (Options.Architecture == TextModelArchitecture.BagOfNgrams)
        {
            var bag = new BagOfNgramsOptions { VocabularySize = vocabulary, Classes = classes, EmbeddingDim = Options.EmbeddingDim, Dropout = Options.Dropout };
            return (Torch.Models.BagOfNgrams(bag), ModelArchitecture.Of(bag));
        }
        var transformer = new TextTransformerOptions
        {
            VocabularySize = vocabulary, Classes = classes, MaxLength = Options.MaxLength, EmbeddingDim = Options.EmbeddingDim,
            Heads = Options.Heads, Layers = Options.Layers, FeedForwardDim = Options.FeedForwardDim, Dropout = Options.Dropout,
            Wide = Options.WideBagOfWords,
        };
        return (Torch.Models.TextTransformer(transformer), ModelArchitecture.Of(transformer));
    }
}

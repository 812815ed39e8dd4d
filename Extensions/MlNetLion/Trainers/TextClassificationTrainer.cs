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
        parameter.Name == WideWeight ? Options.WideLearningRateScale : 1;

    private protected override double? LionBeta2(NamedTensor parameter) =>
        parameter.Name == WideWeight ? Options.WideLionBeta2 : null;

    /// <summary>In a new transformer with a wide path, everything but the wide path waits for
    /// <see cref="TextClassificationOptions.EncoderStartFraction"/> of the run.</summary>
    private protected override double StartFraction(NamedTensor parameter, Module network) =>
        InitialModel is null && parameter.Name is not (WideWeight or HeadBias) && network.NamedParameters.Any(p => p.Name == WideWeight)
            ? Options.EncoderStartFraction : 0;

    private const string WideWeight = "wide.weight", HeadBias = "head.bias", HeadWeight = "head.weight";

    /// <summary>The most weights the wide path's n-gram buckets may hold (buckets × classes); with many classes the
    /// buckets are cut to fit, so that the wide weights, their gradient and the optimizer's state stay in memory.</summary>
    internal const int MaxWideNgramWeights = 1 << 23;

    private protected override InputEncoder CreateEncoder(IReadOnlyList<object?> values, int classes)
    {
        var tokenizer = WordTokenizer.Learn(values.OfType<string>(), Options.MaxVocabularySize, Options.MinWordCount);
        Log($"vocabulary: {tokenizer.Words.Count} words");
        if (Options.Architecture == TextModelArchitecture.BagOfNgrams)
            return new TextInputEncoder(Options.Sentence1ColumnName, tokenizer, Options.MaxLength, Options.NgramBuckets);
        var buckets = Options.WideBagOfWords ? Math.Min(Options.WideNgramBuckets, MaxWideNgramWeights / classes) : 0;
        if (buckets == 0) return new TextInputEncoder(Options.Sentence1ColumnName, tokenizer, Options.MaxLength, 0);
        if (buckets < Options.WideNgramBuckets)
            Log($"wide path: {buckets} n-gram buckets instead of {Options.WideNgramBuckets}, so that {classes} classes fit in {MaxWideNgramWeights} weights");
        return new TextInputEncoder(Options.Sentence1ColumnName, tokenizer, Options.MaxLength, buckets,
            Options.WideCharNgramMin, Options.WideCharNgramMax, Options.WideMaxLength);
    }

    private protected override (Module Network, ModelArchitecture Architecture) CreateNetwork(InputEncoder encoder, int classes,
        IReadOnlyList<object> trainingFeatures, IReadOnlyList<int> trainingLabels)
    {
        var text = (TextInputEncoder)encoder;
        var vocabulary = text.InputVocabularySize;
        if (Options.Architecture == TextModelArchitecture.BagOfNgrams)
        {
            var bag = new BagOfNgramsOptions { VocabularySize = vocabulary, Classes = classes, EmbeddingDim = Options.EmbeddingDim, Dropout = Options.Dropout };
            return (Torch.Models.BagOfNgrams(bag), ModelArchitecture.Of(bag));
        }
        var transformer = new TextTransformerOptions
        {
            VocabularySize = text.Tokenizer.VocabularySize, Classes = classes, MaxLength = Options.MaxLength, EmbeddingDim = Options.EmbeddingDim,
            Heads = Options.Heads, Layers = Options.Layers, FeedForwardDim = Options.FeedForwardDim, Dropout = Options.Dropout,
            Wide = Options.WideBagOfWords, WideBuckets = text.NgramBuckets, WideSeparateNorms = text.NgramBuckets > 0,
        };
        var network = Torch.Models.TextTransformer(transformer);
        SetHeadBiasToLogPriors(network, trainingLabels, classes);
        if (transformer.Wide) SetInverseDocumentFrequencies(network, trainingFeatures, vocabulary);
        if (transformer.Wide && Options.EncoderStartFraction > 0)
        {
            // While the encoder waits its head must add nothing: a random head would add fixed random logits,
            // which the wide path learns to offset on the training rows and which are noise on any other text.
            using var _ = MlNetLion.Torch.Torch.NoGrad();
            network.NamedParameters.Single(p => p.Name == HeadWeight).Tensor.Zero_();
        }
        return (network, ModelArchitecture.Of(transformer));
    }

    /// <summary>Starts the head's bias at the log of each class's share of the training rows (add-one smoothed), so
    /// that a new network predicts the class frequencies before it has read a word. Under Lion a bias moves by the
    /// learning rate per step whatever its gradient, so at 3e-4 it would need thousands of steps to get from its random
    /// start (±1/√EmbeddingDim) to the priors of an imbalanced set, and the word weights would learn the priors instead.</summary>
    private static void SetHeadBiasToLogPriors(Module network, IReadOnlyList<int> trainingLabels, int classes)
    {
        var counts = new double[classes];
        foreach (var label in trainingLabels) counts[label]++;
        var priors = counts.Select(n => (float)Math.Log((n + 1) / (trainingLabels.Count + classes))).ToArray();
        CopyInto(network.NamedParameters, HeadBias, priors);
    }

    /// <summary>Fills the wide path's "wide_idf" buffer with scikit-learn's smoothed inverse document
    /// frequencies, ln((1 + n) / (1 + df)) + 1, counted over the training rows.</summary>
    private static void SetInverseDocumentFrequencies(Module network, IReadOnlyList<object> trainingFeatures, int vocabulary)
    {
        var documents = new int[vocabulary];
        var seen = new HashSet<int>();
        foreach (int[] ids in trainingFeatures)
        {
            seen.Clear();
            foreach (var id in ids)
                if (seen.Add(id)) documents[id]++;
        }
        var idf = new float[vocabulary];
        for (var i = 0; i < vocabulary; i++)
            idf[i] = (float)(Math.Log((1.0 + trainingFeatures.Count) / (1.0 + documents[i])) + 1);
        CopyInto(network.NamedBuffers, "wide_idf", idf);
    }

    private static void CopyInto(IEnumerable<NamedTensor> tensors, string name, float[] values)
    {
        using var source = Tensor.From(values, values.Length);
        using var _ = MlNetLion.Torch.Torch.NoGrad();
        tensors.Single(t => t.Name == name).Tensor.Copy_(source);
    }
}

using MlNetLion.Torch.Native;

namespace MlNetLion.Torch;

/// <summary>
/// The classifiers mlnet-lion builds natively in libtorch, returned as <see cref="Module"/>s (train/eval,
/// device moves, named parameters and buffers, state files). Parameters are initialised from libtorch's
/// generator, so <see cref="Torch.ManualSeed"/> makes a build reproducible.
/// </summary>
/// <remarks>
/// Parameter names are PyTorch-like and say what each tensor is: <c>embed.weight</c>,
/// <c>encoder.layers.0.self_attn.in_proj_weight</c>, <c>encoder.layers.0.norm1.weight</c>,
/// <c>stages.1.0.bn2.weight</c>, <c>head.bias</c>. Every bias and normalisation parameter (the ones
/// usually exempt from weight decay) is one-dimensional and its name ends in "bias" or contains
/// "norm" or "bn"; every other parameter has two or more dimensions.
/// </remarks>
public static class Models
{
    /// <summary>
    /// The transformer-encoder text classifier (the default text model). Input: int64 token ids
    /// [batch, length] with 0 as padding and length ≤ <see cref="TextTransformerOptions.MaxLength"/> (words; with
    /// <see cref="TextTransformerOptions.WideBuckets"/>, any number of wide-only ids may follow a row's words);
    /// output: logits [batch, classes]. Padding never changes the logits: it is masked out of attention
    /// and of the pooling (a row of padding only gives the head's bias).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the exception names it).</exception>
    public static Module TextTransformer(TextTransformerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new Module(NativeMethods.Check(NativeMethods.mlt_text_transformer_new(options.VocabularySize,
            options.MaxLength, options.EmbeddingDim, options.Heads, options.Layers, options.FeedForwardDim,
            options.Dropout, options.NormFirst ? 1 : 0, options.Classes, !options.Wide ? 0 : options.WideSeparateNorms ? 2 : 1, options.WideBuckets)));
    }

    /// <summary>
    /// The bag-of-n-grams text classifier (the fast text model). Input: int64 n-gram ids
    /// [batch, length] with 0 as padding (ignored) and ids below <see cref="BagOfNgramsOptions.VocabularySize"/>;
    /// output: logits [batch, classes].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the exception names it).</exception>
    public static Module BagOfNgrams(BagOfNgramsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new Module(NativeMethods.Check(NativeMethods.mlt_bag_of_ngrams_new(options.VocabularySize,
            options.EmbeddingDim, options.HiddenDim, options.Dropout, options.Classes)));
    }

    /// <summary>
    /// The residual CNN image classifier (the default image model). Input: float images
    /// [batch, <see cref="ResidualCnnOptions.InChannels"/>, height, width] of any size; output: logits
    /// [batch, classes]. It has batch-norm layers: call <see cref="Module.Eval"/> before predicting.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the exception names it).</exception>
    public static Module ResidualCnn(ResidualCnnOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new Module(NativeMethods.Check(NativeMethods.mlt_residual_cnn_new(options.InChannels,
            options.Classes, options.Width, options.Depth, options.InputSize)));
    }
}

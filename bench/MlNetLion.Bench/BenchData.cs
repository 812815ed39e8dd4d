using MlNetLion.Data;
using MlNetLion.Samples;
using MlNetLion.Trainers;

namespace MlNetLion.Bench;

/// <summary>A mail for the text trainer.</summary>
public sealed class TextRow
{
    /// <summary>The mail body.</summary>
    public string Text { get; set; } = "";
    /// <summary>"spam" or "ham".</summary>
    public string Label { get; set; } = "";
}

/// <summary>The real data sets the studies train on, cut to the sizes a run asks for (always the first rows, so every run sees the same ones).</summary>
internal static class BenchData
{
    /// <summary>The text model the documented end-to-end and convergence numbers were measured with, and the PyTorch
    /// replica implements: a words-only wide path (no hashed n-grams) at 30 × the learning rate, trained together with
    /// the encoder from the first step, without label smoothing.</summary>
    public static TextClassificationOptions WithDocumentedTextModel(this TextClassificationOptions options)
    {
        options.WideNgramBuckets = 0;
        options.WideLearningRateScale = 30;
        options.EncoderStartFraction = 0;
        options.LabelSmoothing = 0;
        return options;
    }

    public const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Fashion-MNIST: the first <paramref name="train"/> training images and the first <paramref name="test"/> test images.</summary>
    public static (DataView<IdxImageRow> Train, DataView<IdxImageRow> Test) FashionMnist(MLContext ctx, int train, int test)
    {
        DataView<IdxImageRow> Load(string prefix, int n)
        {
            var all = ctx.Data.LoadIdx(Path.Combine(FashionMnistDirectory, $"{prefix}-images-idx3-ubyte.gz"), Path.Combine(FashionMnistDirectory, $"{prefix}-labels-idx1-ubyte.gz"));
            return ctx.Data.LoadFromEnumerable(all.Rows.Take(n));
        }
        return (Load("train", train), Load("t10k", test));
    }

    /// <summary>SpamAssassin easy ham + spam, bodies only, duplicates removed, the samples' stratified 20% hold-out (seed 1);
    /// the first <paramref name="train"/> / <paramref name="test"/> mails of each part (each part is in a fixed shuffled order).</summary>
    public static (DataView<TextRow> Train, DataView<TextRow> Test) SpamAssassin(MLContext ctx, int train, int test)
    {
        var split = SpamAssassinCorpus.Split(new SpamAssassinCorpus().Load().Rows, testFraction: 0.2, seed: 1);
        DataView<TextRow> Rows(IEnumerable<SpamAssassinCorpus.Mail> mails, int n) => ctx.Data.LoadFromEnumerable(
            mails.Where(m => !string.IsNullOrWhiteSpace(m.Text)).Take(n).Select(m => new TextRow { Text = m.Text, Label = m.Label }).ToList());
        return (Rows(split.Train, train), Rows(split.Test, test));
    }
}

using MlNetLion.Data;
using MlNetLion.Torch;

namespace MlNetLion.Trainers;

/// <summary>
/// Trains an image classifier from scratch: images decoded and resized natively, normalised with the
/// training set's per-channel statistics, and a small residual CNN. Create it with
/// <c>ctx.MulticlassClassification.Trainers.ImageClassification(options)</c>.
/// </summary>
public sealed class ImageClassificationTrainer : ClassificationTrainer
{
    /// <summary>Images larger than this (either side) are resized to <see cref="DefaultLargeSize"/>² unless a size is set.</summary>
    public const int DefaultLargeSize = 64;

    internal ImageClassificationTrainer(MLContext context, ImageClassificationOptions options) : base(context, options) => Options = options;

    /// <summary>The options (changes made before <c>Fit</c> apply).</summary>
    public ImageClassificationOptions Options { get; }

    internal override TrainerDefaults Defaults => new(LionLearningRate: 1e-3, LionWeightDecay: 0.1, AdamWLearningRate: 3e-3, AdamWWeightDecay: 0.01, SgdLearningRate: 0.1);

    private protected override string InputColumnName => Options.ImageColumnName;
    private protected override string InputRole => "image column";
    private protected override Type[] InputTypes => [typeof(string), typeof(byte[]), typeof(RawImage)];
    private protected override bool ThrowOnUnusableInput => Options.BadImages == BadImagePolicy.Throw;

    private protected override InputEncoder CreateEncoder(IReadOnlyList<object?> values, int classes)
    {
        // Size and colour: from the options, else from the first images that decode.
        var samples = new List<(int Width, int Height, bool Gray)>();
        foreach (var value in values)
        {
            if (samples.Count == 16) break;
            if (Probe(value) is { } s) samples.Add(s);
        }
        var (width, height) = (Options.ImageWidth, Options.ImageHeight) switch
        {
            ({ } w, { } h) => (w, h),
            ({ } w, null) => (w, w),
            (null, { } h) => (h, h),
            _ when samples.Count == 0 => (DefaultLargeSize, DefaultLargeSize),
            _ when samples[0].Width > DefaultLargeSize || samples[0].Height > DefaultLargeSize => (DefaultLargeSize, DefaultLargeSize),
            _ => (samples[0].Width, samples[0].Height),
        };
        var color = Options.Color ?? (samples.Count > 0 && samples.All(s => s.Gray) ? ImageColor.Grayscale : ImageColor.Rgb);
        Log($"images: {width}x{height} {color}");
        var channels = (int)color;
        return new ImageInputEncoder(Options.ImageColumnName, width, height, color, new float[channels], Enumerable.Repeat(1f, channels).ToArray());
    }

    private static (int Width, int Height, bool Gray)? Probe(object? value)
    {
        try
        {
            if (value is RawImage raw) return (raw.Width, raw.Height, raw.Channels == 1);
            var bytes = value switch
            {
                byte[] b => b,
                string path when File.Exists(path) => File.ReadAllBytes(path),
                _ => null,
            };
            if (bytes is null || bytes.Length == 0) return null;
            using var image = ImageDecoder.Decode(bytes, ImageColor.Rgb);
            var shape = image.Shape;
            var pixels = image.AsSpan<float>();
            var plane = (int)(shape[1] * shape[2]);
            var gray = true;
            for (var i = 0; i < plane && gray; i++) gray = pixels[i] == pixels[plane + i] && pixels[i] == pixels[2 * plane + i];
            return ((int)shape[2], (int)shape[1], gray);
        }
        catch (Exception e) when (e is TorchException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private protected override void OnFeaturized(InputEncoder encoder, IEnumerable<object> features) =>
        ((ImageInputEncoder)encoder).FitNormalization(features);

    private protected override (Module Network, ModelArchitecture Architecture) CreateNetwork(InputEncoder encoder, int classes,
        IReadOnlyList<object> trainingFeatures, IReadOnlyList<int> trainingLabels)
    {
        var image = (ImageInputEncoder)encoder;
        var cnn = new ResidualCnnOptions
        {
            Classes = classes, InChannels = image.Channels, Width = Options.ModelWidth, Depth = Options.ModelDepth,
            InputSize = Math.Max(image.Width, image.Height),
        };
        return (Torch.Models.ResidualCnn(cnn), ModelArchitecture.Of(cnn));
    }
}

using MlNetLion.Torch;

namespace MlNetLion.Trainers;

/// <summary>What to do with a training or validation image that cannot be read.</summary>
public enum BadImagePolicy
{
    /// <summary>Skip the row, count it (<see cref="TrainingHistory.SkippedRows"/>) and log a warning.</summary>
    Skip,
    /// <summary>Stop with an error naming the row and the file.</summary>
    Throw,
}

/// <summary>Options of the image classification trainer.</summary>
public sealed class ImageClassificationOptions : ClassificationTrainerOptions
{
    /// <summary>Creates the options with the image trainer's batch size (64).</summary>
    public ImageClassificationOptions() => BatchSize = 64;

    /// <summary>The image column: a file path (string), encoded file bytes (byte[]) or decoded pixels (<see cref="Data.RawImage"/>). Default "Image".</summary>
    public string ImageColumnName { get; set; } = "Image";

    /// <summary>Width images are resized to (null: the first training image's, or 64 when it is larger than 64×64).</summary>
    public int? ImageWidth { get; set; }

    /// <summary>Height images are resized to (null: as <see cref="ImageWidth"/>).</summary>
    public int? ImageHeight { get; set; }

    /// <summary>Grayscale or RGB (null: grayscale when the first training images are all gray, else RGB).</summary>
    public ImageColor? Color { get; set; }

    /// <summary>Channels of the residual CNN's first stage (doubling per stage).</summary>
    public int ModelWidth { get; set; } = 16;

    /// <summary>Residual blocks per stage.</summary>
    public int ModelDepth { get; set; } = 1;

    /// <summary>Unreadable images: skipped and counted (default) or an error.</summary>
    public BadImagePolicy BadImages { get; set; } = BadImagePolicy.Skip;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(ImageColumnName)) throw new ArgumentException("ImageColumnName must name the image column.", nameof(ImageColumnName));
        Require(ImageWidth is null or >= 1, nameof(ImageWidth), ImageWidth, "at least 1");
        Require(ImageHeight is null or >= 1, nameof(ImageHeight), ImageHeight, "at least 1");
        Require(ModelWidth >= 1, nameof(ModelWidth), ModelWidth, "at least 1");
        Require(ModelDepth >= 1, nameof(ModelDepth), ModelDepth, "at least 1");
    }

    internal override string Fingerprint() =>
        $"{base.Fingerprint()}|{ImageColumnName}|{ImageWidth}|{ImageHeight}|{Color}|{ModelWidth}|{ModelDepth}|{BadImages}";
}

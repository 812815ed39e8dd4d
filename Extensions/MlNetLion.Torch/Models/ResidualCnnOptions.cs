namespace MlNetLion.Torch;

/// <summary>
/// Sizes of the residual CNN image classifier built by <see cref="Models.ResidualCnn"/>: a 3x3 stem
/// (conv + BatchNorm + ReLU) → three stages of <see cref="Depth"/> residual BasicBlocks with
/// <see cref="Width"/>, 2×, 4× channels → global average pooling → linear head. It accepts images of
/// any size; <see cref="InputSize"/> only decides where it downsamples: the stem halves from 64 px
/// (and max-pools again from 128 px), stages 2 and 3 halve only while the map is at least 8 px, so an
/// 8×8 image keeps a 4×4 map until the pooling and 28×28 ends at 7×7. The defaults (78k parameters
/// for 28×28 grayscale, 10 classes) train at about 1,300 images/s on 2 CPU cores; doubling
/// <see cref="Width"/> costs about 3× the time.
/// </summary>
public sealed record ResidualCnnOptions
{
    /// <summary>Number of classes (logits per image). Required.</summary>
    public required int Classes { get; init; }

    /// <summary>Image channels: 1 (grayscale) or 3 (RGB). Default 3.</summary>
    public int InChannels { get; init; } = 3;

    /// <summary>Channels of the first stage (the others have 2× and 4×). Default 16.</summary>
    public int Width { get; init; } = 16;

    /// <summary>Residual blocks per stage. Default 1.</summary>
    public int Depth { get; init; } = 1;

    /// <summary>The shorter side, in pixels, of the images the model is built for. Default 32.</summary>
    public int InputSize { get; init; } = 32;

    internal void Validate()
    {
        ModelOptionChecks.AtLeast(Classes, 1, nameof(Classes));
        if (InChannels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(InChannels), InChannels, $"{nameof(InChannels)} must be 1 (grayscale) or 3 (RGB).");
        ModelOptionChecks.AtLeast(Width, 1, nameof(Width));
        ModelOptionChecks.AtLeast(Depth, 1, nameof(Depth));
        ModelOptionChecks.AtLeast(InputSize, 1, nameof(InputSize));
    }
}

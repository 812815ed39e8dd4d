namespace MlNetLion.Data;

/// <summary>Decoded pixels of one image: 8-bit, channel-last (HWC), 1 (gray) or 3 (RGB) channels.</summary>
public sealed record RawImage(int Width, int Height, int Channels, byte[] Pixels)
{
    /// <summary>Checks that the pixel count matches the size.</summary>
    public RawImage Validate() =>
        Width > 0 && Height > 0 && Channels is 1 or 3 && Pixels.Length == Width * Height * Channels
            ? this
            : throw new ArgumentException($"A {Width}x{Height}x{Channels} image needs {Width * Height * Channels} bytes, got {Pixels.Length} (channels must be 1 or 3).");
}

/// <summary>A row of an image folder: the file and the label its sub-folder names (as Model Builder loads them).</summary>
public sealed class ImageFileRow
{
    /// <summary>Full path of the image file.</summary>
    public string ImagePath { get; set; } = "";
    /// <summary>The name of the sub-folder holding the file.</summary>
    public string Label { get; set; } = "";
}

/// <summary>A row of an IDX data set (MNIST, Fashion-MNIST): the pixels and the class index.</summary>
public sealed class IdxImageRow
{
    /// <summary>The image (grayscale).</summary>
    public RawImage Image { get; set; } = new(1, 1, 1, [0]);
    /// <summary>The class index from the labels file.</summary>
    public long Label { get; set; }
}

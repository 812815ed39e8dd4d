namespace MlNetLion.Torch;

/// <summary>The color layout images are decoded to; the value is the number of channels.</summary>
public enum ImageColor
{
    /// <summary>One luminance channel (ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B).</summary>
    Grayscale = 1,

    /// <summary>Three channels in red, green, blue order.</summary>
    Rgb = 3,
}

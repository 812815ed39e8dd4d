using MlNetLion.Torch.Native;

namespace MlNetLion.Torch;

/// <summary>
/// Encodes a tensor [channels, height, width] with values in [0, 1] (channels 1 = grayscale, 3 = RGB,
/// 4 = RGBA) as an image file with OpenCV: to look at inputs and predictions, and to write test images.
/// Values are clamped to [0, 1] and rounded to the nearest 8- or 16-bit level.
/// </summary>
public static class ImageEncoder
{
    /// <summary>The encoded file's bytes.</summary>
    /// <param name="image">Pixels [channels, height, width] in [0, 1], on any device.</param>
    /// <param name="extension">The format, as a file extension: ".png" (default), ".jpg", ".bmp", ".tiff", ...</param>
    /// <param name="sixteenBit">16 bits per channel instead of 8 (PNG and TIFF only).</param>
    /// <exception cref="TorchException">The shape is not an image's, or OpenCV cannot write the format.</exception>
    public static unsafe byte[] Encode(Tensor image, string extension = ".png", bool sixteenBit = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(extension);
        byte* bytes = null;
        long length = 0;
        NativeMethods.Check(NativeMethods.mlt_image_encode(image.Handle, extension, sixteenBit ? 1 : 0, &bytes, &length));
        try { return new ReadOnlySpan<byte>(bytes, checked((int)length)).ToArray(); }
        finally { NativeMethods.mlt_bytes_free(bytes); }
    }

    /// <summary>Writes the image to <paramref name="path"/> atomically, in the format its extension names.</summary>
    public static void Save(Tensor image, string path, bool sixteenBit = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = Encode(image, Path.GetExtension(path) is { Length: > 0 } e ? e : ".png", sixteenBit);
        AtomicFile.Write(path, tmp => File.WriteAllBytes(tmp, bytes));
    }
}

using MlNetLion.Torch.Native;

namespace MlNetLion.Torch;

/// <summary>
/// Decodes image files natively with OpenCV (PNG, JPEG, BMP, TIFF, WebP, PNM, ...) into float32
/// tensors of shape [channels, height, width] with values in [0, 1]. 8- and 16-bit images are scaled
/// by 1/255 and 1/65535; alpha is dropped; grayscale and color inputs are converted to the requested
/// <see cref="ImageColor"/>; JPEG EXIF orientation is applied. Images are resized to the requested size
/// (area averaging when shrinking, bilinear when enlarging), without keeping the aspect ratio.
/// Safe to call from several threads at once.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Decodes the bytes of an image file into a new CPU tensor [channels, height, width].</summary>
    /// <param name="bytes">The encoded file's bytes.</param>
    /// <param name="width">Width of the result in pixels.</param>
    /// <param name="height">Height of the result in pixels.</param>
    /// <param name="color">Grayscale (1 channel) or RGB (3 channels).</param>
    /// <exception cref="TorchException">The bytes are not an image OpenCV can decode (the message says so).</exception>
    public static unsafe Tensor Decode(ReadOnlySpan<byte> bytes, int width, int height, ImageColor color = ImageColor.Rgb)
    {
        CheckSize(width, height);
        CheckColor(color);
        fixed (byte* p = bytes)
            return new Tensor(NativeMethods.Check(NativeMethods.mlt_image_decode(p, bytes.Length, width, height, (int)color)));
    }

    /// <summary>Decodes the bytes of an image file at its own size into a new CPU tensor [channels, height, width].</summary>
    /// <exception cref="TorchException">The bytes are not an image OpenCV can decode (the message says so).</exception>
    public static unsafe Tensor Decode(ReadOnlySpan<byte> bytes, ImageColor color = ImageColor.Rgb)
    {
        CheckColor(color);
        fixed (byte* p = bytes)
            return new Tensor(NativeMethods.Check(NativeMethods.mlt_image_decode(p, bytes.Length, 0, 0, (int)color)));
    }

    /// <summary>Reads and decodes an image file (see <see cref="Decode(ReadOnlySpan{byte}, int, int, ImageColor)"/>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TorchException">The file is not an image OpenCV can decode (the message names the file).</exception>
    public static Tensor Decode(string path, int width, int height, ImageColor color = ImageColor.Rgb)
    {
        var bytes = ReadFile(path);
        try { return Decode(bytes, width, height, color); }
        catch (TorchException e) { throw new TorchException($"'{path}': {e.Message}"); }
    }

    /// <summary>
    /// Decodes the bytes of an image file into <paramref name="batch"/>[<paramref name="index"/>], where
    /// <paramref name="batch"/> is a floating-point tensor [batch, channels, height, width] (channels 1
    /// for grayscale, 3 for RGB) on any device; the size and color come from its shape.
    /// </summary>
    /// <exception cref="TorchException">The bytes are not an image OpenCV can decode, or the batch has the wrong shape.</exception>
    public static unsafe void DecodeInto(ReadOnlySpan<byte> bytes, Tensor batch, long index)
    {
        ArgumentNullException.ThrowIfNull(batch);
        fixed (byte* p = bytes)
            NativeMethods.Check(NativeMethods.mlt_image_decode_into(p, bytes.Length, batch.Handle, index));
    }

    private static byte[] ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        return File.ReadAllBytes(path);
    }

    private static void CheckSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
    }

    private static void CheckColor(ImageColor color)
    {
        if (color is not (ImageColor.Grayscale or ImageColor.Rgb))
            throw new ArgumentOutOfRangeException(nameof(color), color, "Images decode to Grayscale or Rgb.");
    }
}

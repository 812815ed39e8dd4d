using MlNetLion.Data;
using MlNetLion.Torch;

namespace MlNetLion;

/// <summary>
/// Images (a file path, encoded bytes, or decoded <see cref="RawImage"/> pixels) to normalised float
/// tensors [batch, channels, height, width]. Files and bytes are decoded and resized natively (OpenCV);
/// each image is kept as 8-bit pixels at the model's size, and batches are normalised with the
/// per-channel mean and standard deviation of the training images, stored in the model.
/// </summary>
internal sealed class ImageInputEncoder(string columnName, int width, int height, ImageColor color, float[] mean, float[] std) : InputEncoder(columnName)
{
    public override string Kind => "image";
    public override Type[] AllowedTypes => [typeof(string), typeof(byte[]), typeof(RawImage)];
    public int Width { get; } = width;
    public int Height { get; } = height;
    public ImageColor Color { get; } = color;
    public int Channels => (int)Color;
    public float[] Mean { get; private set; } = mean;
    public float[] Std { get; private set; } = std;

    protected override bool FeaturizeInParallel => true;

    public override object? Featurize(object? value, bool training, out string? problem)
    {
        problem = null;
        try
        {
            switch (value)
            {
                case RawImage raw:
                    return Resize(raw.Validate(), Width, Height, Channels);
                case byte[] bytes:
                    return Decode(bytes);
                case string path when !File.Exists(path):
                    problem = $"the image file '{path}' does not exist";
                    return null;
                case string path:
                    return Decode(File.ReadAllBytes(path));
                default:
                    problem = "the image is missing";
                    return null;
            }
        }
        catch (Exception e) when (e is TorchException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            problem = $"the image{(value is string p ? $" '{p}'" : "")} cannot be read ({e.Message.Split('\n')[0]})";
            return null;
        }
    }

    private byte[] Decode(byte[] bytes)
    {
        if (bytes.Length == 0) throw new ArgumentException("the image is 0 bytes");
        using var t = ImageDecoder.Decode(bytes, Width, Height, Color);
        var pixels = t.AsSpan<float>();
        var result = new byte[pixels.Length];
        for (var i = 0; i < pixels.Length; i++) result[i] = (byte)Math.Clamp(MathF.Round(pixels[i] * 255f), 0, 255);
        return result;
    }

    /// <summary>Bilinear resize and channel conversion of channel-last pixels into channel-first bytes.</summary>
    internal static byte[] Resize(RawImage image, int width, int height, int channels)
    {
        var result = new byte[channels * width * height];
        float sx = (float)image.Width / width, sy = (float)image.Height / height;
        Span<float> rgb = stackalloc float[3];
        for (var y = 0; y < height; y++)
        {
            var fy = Math.Clamp((y + 0.5f) * sy - 0.5f, 0, image.Height - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, image.Height - 1);
            var wy = fy - y0;
            for (var x = 0; x < width; x++)
            {
                var fx = Math.Clamp((x + 0.5f) * sx - 0.5f, 0, image.Width - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, image.Width - 1);
                var wx = fx - x0;
                for (var c = 0; c < image.Channels; c++)
                {
                    float P(int yy, int xx) => image.Pixels[(yy * image.Width + xx) * image.Channels + c];
                    rgb[c] = (1 - wy) * ((1 - wx) * P(y0, x0) + wx * P(y0, x1)) + wy * ((1 - wx) * P(y1, x0) + wx * P(y1, x1));
                }
                if (image.Channels == 1) rgb[1] = rgb[2] = rgb[0];
                if (channels == 1)
                    result[y * width + x] = (byte)Math.Clamp(MathF.Round(image.Channels == 1 ? rgb[0] : 0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2]), 0, 255);
                else
                    for (var c = 0; c < 3; c++) result[(c * height + y) * width + x] = (byte)Math.Clamp(MathF.Round(rgb[c]), 0, 255);
            }
        }
        return result;
    }

    /// <summary>Sets the normalisation to the per-channel statistics of <paramref name="features"/>.</summary>
    public void FitNormalization(IEnumerable<object> features)
    {
        var sum = new double[Channels];
        var sumSq = new double[Channels];
        long perChannel = 0;
        var plane = Width * Height;
        foreach (byte[] f in features)
        {
            for (var c = 0; c < Channels; c++)
                for (var i = c * plane; i < (c + 1) * plane; i++)
                {
                    var v = f[i] / 255.0;
                    sum[c] += v;
                    sumSq[c] += v * v;
                }
            perChannel += plane;
        }
        if (perChannel == 0) return;
        Mean = sum.Select(s => (float)(s / perChannel)).ToArray();
        Std = sumSq.Select((s, c) => (float)Math.Max(Math.Sqrt(Math.Max(0, s / perChannel - Mean[c] * (double)Mean[c])), 1e-3)).ToArray();
    }

    public override Tensor Collate(IReadOnlyList<object> features, Device device)
    {
        var plane = Width * Height;
        var size = Channels * plane;
        var batch = new float[features.Count * size];
        var scale = new float[Channels];
        var shift = new float[Channels];
        for (var c = 0; c < Channels; c++)
        {
            scale[c] = 1f / (255f * Std[c]);
            shift[c] = -Mean[c] / Std[c];
        }
        for (var r = 0; r < features.Count; r++)
        {
            var f = (byte[])features[r];
            for (var c = 0; c < Channels; c++)
            {
                var dst = batch.AsSpan(r * size + c * plane, plane);
                var src = f.AsSpan(c * plane, plane);
                for (var i = 0; i < plane; i++) dst[i] = src[i] * scale[c] + shift[c];
            }
        }
        return Tensor.From<float>(batch, [features.Count, Channels, Height, Width], device);
    }

    public override void Save(BinaryWriter writer)
    {
        writer.Write(Kind);
        writer.Write(ColumnName);
        writer.Write(Width);
        writer.Write(Height);
        writer.Write((int)Color);
        for (var c = 0; c < Channels; c++)
        {
            writer.Write(Mean[c]);
            writer.Write(Std[c]);
        }
    }

    public static ImageInputEncoder LoadBody(BinaryReader reader)
    {
        var column = reader.ReadString();
        int width = reader.ReadInt32(), height = reader.ReadInt32(), color = reader.ReadInt32();
        if (width < 1 || height < 1 || color is not (1 or 3))
            throw new InvalidDataException($"The model's image settings are damaged ({width}x{height}, {color} channels).");
        var mean = new float[color];
        var std = new float[color];
        for (var c = 0; c < color; c++)
        {
            mean[c] = reader.ReadSingle();
            std[c] = reader.ReadSingle();
        }
        return new ImageInputEncoder(column, width, height, (ImageColor)color, mean, std);
    }
}

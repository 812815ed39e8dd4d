using MlNetLion.Data;

namespace MlNetLion.Tests;

public sealed class TextRow
{
    public string Label { get; set; } = "";
    public string Text { get; set; } = "";
}

public sealed class EncodedImageRow
{
    public byte[] Image { get; set; } = [];
    public string Label { get; set; } = "";
}

public sealed class ImageRow
{
    public RawImage Image { get; set; } = new(1, 1, 1, [0]);
    public int Label { get; set; }
}

/// <summary>Small separable data sets with a wide margin: each class is recognisable, but not from one fixed token or pixel.</summary>
internal static class SyntheticData
{
    private static readonly string[][] Topics =
    [
        ["goal", "match", "team", "score", "coach", "league", "player", "season"],
        ["laptop", "software", "chip", "network", "server", "code", "cloud", "robot"],
        ["pasta", "recipe", "oven", "sauce", "flavor", "dessert", "bread", "spice"],
    ];

    private static readonly string[] Shared =
        "the a of and to in is was it for on with as by at from this that be are were has had not but or an its they".Split(' ');

    public static readonly string[] TopicNames = ["sports", "tech", "food"];

    /// <summary>Texts of 3 topics: 3 topic words among 5 common words, shuffled.</summary>
    public static List<TextRow> Texts(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<TextRow>(count);
        for (var i = 0; i < count; i++)
        {
            var label = i % Topics.Length;
            var words = Enumerable.Range(0, 3).Select(_ => Topics[label][random.Next(Topics[label].Length)])
                .Concat(Enumerable.Range(0, 5).Select(_ => Shared[random.Next(Shared.Length)])).ToArray();
            random.Shuffle(words);
            rows.Add(new TextRow { Label = TopicNames[label], Text = string.Join(' ', words) });
        }
        return rows;
    }

    /// <summary>Gray images with a bright horizontal bar (0), vertical bar (1) or diagonal (2) at a random place, plus noise.</summary>
    public static List<ImageRow> Images(int count, int seed, int size = 8)
    {
        var random = new Random(seed);
        var rows = new List<ImageRow>(count);
        for (var i = 0; i < count; i++)
        {
            var label = i % 3;
            var pixels = new byte[size * size];
            for (var p = 0; p < pixels.Length; p++) pixels[p] = (byte)random.Next(0, 60);
            var offset = random.Next(size);
            for (var k = 0; k < size; k++)
            {
                var (y, x) = label switch { 0 => (offset, k), 1 => (k, offset), _ => (k, (k + offset) % size) };
                pixels[y * size + x] = (byte)random.Next(200, 256);
            }
            rows.Add(new ImageRow { Image = new RawImage(size, size, 1, pixels), Label = label });
        }
        return rows;
    }

    /// <summary>Color photos (PNG bytes) of <paramref name="width"/>×<paramref name="height"/> whose dominant channel is the class: "red", "green", "blue".</summary>
    public static List<EncodedImageRow> ColorImages(int count, int seed, int width, int height)
    {
        var random = new Random(seed);
        var names = new[] { "red", "green", "blue" };
        var rows = new List<EncodedImageRow>(count);
        for (var i = 0; i < count; i++)
        {
            var label = i % 3;
            var pixels = new float[3 * height * width];
            for (var c = 0; c < 3; c++)
                for (var p = 0; p < height * width; p++)
                    pixels[c * height * width + p] = (float)(random.NextDouble() * 0.5 + (c == label ? 0.35 : 0));
            using var t = MlNetLion.Torch.Tensor.From(pixels, 3, height, width);
            rows.Add(new EncodedImageRow { Image = MlNetLion.Torch.ImageEncoder.Encode(t), Label = names[label] });
        }
        return rows;
    }
}

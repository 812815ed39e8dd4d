namespace MlNetLion.Cli.Data;

/// <summary>
/// A folder of IDX files as MNIST-style sets ship them: <c>PREFIX-images-idx3-ubyte[.gz]</c> with
/// <c>PREFIX-labels-idx1-ubyte[.gz]</c>, where PREFIX is <c>train</c> and <c>t10k</c> (the test set).
/// </summary>
internal sealed record IdxFolder(IReadOnlyDictionary<string, (string Images, string Labels)> Sets)
{
    private const string ImagesSuffix = "-images-idx3-ubyte";
    private const string LabelsSuffix = "-labels-idx1-ubyte";
    private static readonly string[] TestPrefixes = ["t10k", "test"];

    /// <summary>The IDX sets in <paramref name="folder"/>, or null when it holds no IDX image file.</summary>
    public static IdxFolder? Find(string folder)
    {
        if (!Directory.Exists(folder)) return null;
        var sets = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var images in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(images);
            var at = name.IndexOf(ImagesSuffix, StringComparison.Ordinal);
            if (at <= 0 || name[(at + ImagesSuffix.Length)..] is not ("" or ".gz")) continue;
            var prefix = name[..at];
            var labels = new[] { "", ".gz" }.Select(ext => Path.Combine(folder, prefix + LabelsSuffix + ext)).FirstOrDefault(File.Exists)
                ?? throw new UserErrorException($"'{images}' has no labels file: expected '{prefix}{LabelsSuffix}[.gz]' next to it.");
            sets[prefix] = (images, labels);
        }
        return sets.Count == 0 ? null : new IdxFolder(sets);
    }

    /// <summary>The training set: <c>train</c>, or the folder's only set.</summary>
    public (string Images, string Labels) Training => Sets.TryGetValue("train", out var s) ? s
        : Sets.Count == 1 ? Sets.Values.First()
        : throw new UserErrorException($"The IDX folder has no 'train' set (it has {string.Join(", ", Sets.Keys)}).");

    /// <summary>The test set (<c>t10k</c> or <c>test</c>), if the folder has one.</summary>
    public (string Images, string Labels)? Test =>
        TestPrefixes.Where(Sets.ContainsKey).Select(p => ((string, string)?)Sets[p]).FirstOrDefault();
}

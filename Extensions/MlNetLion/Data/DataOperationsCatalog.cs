namespace MlNetLion.Data;

/// <summary>Loading and splitting data (ML.NET's <c>MLContext.Data</c>).</summary>
public sealed class DataOperationsCatalog
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm",
    };

    private readonly MLContext _context;

    internal DataOperationsCatalog(MLContext context) => _context = context;

    /// <summary>Wraps rows already in memory.</summary>
    public DataView<TRow> LoadFromEnumerable<TRow>(IEnumerable<TRow> rows) where TRow : class =>
        new(rows?.ToArray() ?? throw new ArgumentNullException(nameof(rows)));

    /// <summary>
    /// Loads a delimited text file into <typeparamref name="TRow"/> rows. Members are matched to fields
    /// by <see cref="LoadColumnAttribute"/> or, with a header, by name (case-insensitive).
    /// </summary>
    /// <param name="path">The file (UTF-8).</param>
    /// <param name="separatorChar">Field separator: '\t' for TSV, ',' for CSV.</param>
    /// <param name="hasHeader">Whether the first line names the columns.</param>
    /// <param name="allowQuoting">Whether fields may be quoted ("a, b") as in RFC 4180.</param>
    /// <param name="trimWhitespace">Whether to trim spaces around fields.</param>
    /// <param name="columnSources">Where a row column comes from when the file names it otherwise: row column name →
    /// header name or zero-based field index (e.g. <c>{ ["Text"] = "Review" }</c>, <c>{ ["Label"] = "0" }</c>).</param>
    public DataView<TRow> LoadFromTextFile<TRow>(string path, char separatorChar = '\t', bool hasHeader = false,
        bool allowQuoting = true, bool trimWhitespace = false, IReadOnlyDictionary<string, string>? columnSources = null) where TRow : class, new()
    {
        var rows = TextLoader.Load<TRow>(path, separatorChar, hasHeader, allowQuoting, trimWhitespace, columnSources);
        _context.Write(LogSeverity.Info, "TextLoader", $"loaded {rows.Count} rows from {path}");
        return new DataView<TRow>(rows);
    }

    /// <summary>
    /// Lists the images under <paramref name="folder"/>, one sub-folder per label, as Model Builder takes
    /// them. Files that are not images (by extension) are skipped.
    /// </summary>
    public DataView<ImageFileRow> LoadImagesFromDirectory(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Image folder '{folder}' does not exist.");
        var rows = new List<ImageFileRow>();
        foreach (var labelDir in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var label = Path.GetFileName(labelDir);
            foreach (var file in Directory.EnumerateFiles(labelDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                if (ImageExtensions.Contains(Path.GetExtension(file))) rows.Add(new ImageFileRow { ImagePath = file, Label = label });
            }
        }
        if (rows.Count == 0)
            throw new InvalidDataException($"No images found under '{folder}': expected one sub-folder per label holding image files ({string.Join(", ", ImageExtensions)}).");
        _context.Write(LogSeverity.Info, "ImageLoader", $"found {rows.Count} images in {rows.Select(r => r.Label).Distinct().Count()} labels under {folder}");
        return new DataView<ImageFileRow>(rows);
    }

    /// <summary>Loads an IDX image file and its IDX label file (MNIST layout, optionally .gz).</summary>
    public DataView<IdxImageRow> LoadIdx(string imagesPath, string labelsPath)
    {
        var (shape, pixels) = IdxReader.Read(imagesPath);
        var (labelShape, labels) = IdxReader.Read(labelsPath);
        if (shape.Length != 3) throw new InvalidDataException($"'{imagesPath}' has {shape.Length} dimensions; an image file has 3 (count, rows, columns).");
        if (labelShape.Length != 1) throw new InvalidDataException($"'{labelsPath}' has {labelShape.Length} dimensions; a label file has 1.");
        if (labelShape[0] != shape[0]) throw new InvalidDataException($"'{imagesPath}' holds {shape[0]} images but '{labelsPath}' holds {labelShape[0]} labels.");
        int n = shape[0], h = shape[1], w = shape[2];
        var rows = new IdxImageRow[n];
        for (var i = 0; i < n; i++)
            rows[i] = new IdxImageRow { Image = new RawImage(w, h, 1, pixels.AsSpan(i * h * w, h * w).ToArray()), Label = labels[i] };
        return new DataView<IdxImageRow>(rows);
    }

    /// <summary>
    /// Splits rows into a training and a test set. With <paramref name="stratificationColumnName"/>, each
    /// value of that column (e.g. the label) is split in the same proportion, so rare classes appear in both.
    /// </summary>
    public TrainTestData<TRow> TrainTestSplit<TRow>(DataView<TRow> data, double testFraction = 0.1,
        string? stratificationColumnName = null, int? seed = null) where TRow : class
    {
        ArgumentNullException.ThrowIfNull(data);
        if (testFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must be between 0 and 1 (exclusive).");
        var random = _context.CreateRandom(seed);
        var column = stratificationColumnName is null ? null : data.GetColumn(stratificationColumnName, "stratification column");
        var groups = column is null
            ? [Enumerable.Range(0, data.Count).ToList()]
            : Enumerable.Range(0, data.Count).GroupBy(i => column.GetValue(data.Rows[i])).Select(g => g.ToList()).ToList();
        var train = new List<int>();
        var test = new List<int>();
        foreach (var group in groups)
        {
            var shuffled = group.ToArray();
            random.Shuffle(shuffled);
            var testCount = (int)Math.Round(shuffled.Length * testFraction);
            test.AddRange(shuffled.Take(testCount));
            train.AddRange(shuffled.Skip(testCount));
        }
        train.Sort();
        test.Sort();
        return new TrainTestData<TRow>(new DataView<TRow>(train.Select(i => data.Rows[i]).ToArray()),
            new DataView<TRow>(test.Select(i => data.Rows[i]).ToArray()));
    }
}

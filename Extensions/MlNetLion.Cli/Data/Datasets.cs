using MlNetLion.Data;

namespace MlNetLion.Cli.Data;

/// <summary>A loaded data set and the rows dropped while loading it (lines of a text file that could not be read).</summary>
internal sealed record LoadedData(IDataView Rows, int SkippedRows);

/// <summary>Training and validation data for a training command.</summary>
internal sealed record TrainingData(LoadedData Train, LoadedData Validation, string ValidationSource);

/// <summary>
/// Reads what <c>--dataset</c> points at: a delimited text file (text tasks), a folder with one sub-folder per
/// label, or a folder of IDX files (image tasks), into the CLI's rows.
/// </summary>
internal static class Datasets
{
    /// <summary>The training and validation sets: <c>--validation-dataset</c>, else an IDX folder's test set, else 20% of the training data held out.</summary>
    public static TrainingData LoadForTraining(MLContext ctx, TaskKind kind, DataSource source, int seed)
    {
        if (source.ValidationDataset is { } validation)
            return new(Load(ctx, kind, source.Dataset, "--dataset", source.Format, test: false, source.MaxRows, seed).Data,
                Load(ctx, kind, validation, "--validation-dataset", source.Format, test: true, source.MaxRows, seed).Data, validation);
        if (kind == TaskKind.Image && IdxFolder.Find(source.Dataset)?.Test is { } testSet)
            return new(Load(ctx, kind, source.Dataset, "--dataset", source.Format, test: false, source.MaxRows, seed).Data,
                LoadIdx(ctx, testSet, holdOut: false, source.MaxRows, seed).Data, testSet.Images);
        var (train, heldOut) = Load(ctx, kind, source.Dataset, "--dataset", source.Format, test: false, source.MaxRows, seed, holdOut: true);
        return new(train, heldOut!, $"20% of {source.Dataset}");
    }

    /// <summary>One data set, e.g. for <c>evaluate</c> (an IDX folder gives its test set when it has one).</summary>
    public static LoadedData Load(MLContext ctx, TaskKind kind, string path, string flag, TableFormat format, int? maxRows, int seed) =>
        Load(ctx, kind, path, flag, format, test: true, maxRows, seed).Data;

    private static (LoadedData Data, LoadedData? HeldOut) Load(MLContext ctx, TaskKind kind, string path, string flag, TableFormat format,
        bool test, int? maxRows, int seed, bool holdOut = false)
    {
        if (kind == TaskKind.Text)
        {
            if (Directory.Exists(path)) throw new UserErrorException($"{flag} '{path}' is a folder; text-classification reads a delimited text file.");
            if (!File.Exists(path)) throw new UserErrorException($"{flag}: the file '{path}' does not exist.");
            foreach (var (columnFlag, column) in new[] { ("--label-col", format.LabelColumn), ("--text-col", format.TextColumn) })
                if (!format.HasHeader && !int.TryParse(column, out _))
                    throw new UserErrorException($"{columnFlag} '{column}' must be a zero-based column index: '{path}' is read without a header (--has-header false).");
            var sources = new Dictionary<string, string> { [Columns.Label] = format.LabelColumn, [Columns.Text] = format.TextColumn };
            return Finish(ctx, path, ctx.Data.LoadFromTextFile<TextRow>(path, format.Separator, format.HasHeader, columnSources: sources), holdOut, maxRows, seed);
        }
        if (File.Exists(path)) throw new UserErrorException($"{flag} '{path}' is a file; image-classification reads a folder (one sub-folder per label, or IDX files).");
        if (!Directory.Exists(path)) throw new UserErrorException($"{flag}: the folder '{path}' does not exist.");
        if (IdxFolder.Find(path) is { } idx)
            return LoadIdx(ctx, test ? idx.Test ?? idx.Training : idx.Training, holdOut, maxRows, seed);
        var files = ctx.Data.LoadImagesFromDirectory(path).Rows.Select(r => new ImagePathRow { Label = r.Label, Image = r.ImagePath }).ToArray();
        return Finish(ctx, path, ctx.Data.LoadFromEnumerable(files), holdOut, maxRows, seed);
    }

    private static (LoadedData Data, LoadedData? HeldOut) LoadIdx(MLContext ctx, (string Images, string Labels) set, bool holdOut, int? maxRows, int seed)
    {
        var rows = ctx.Data.LoadIdx(set.Images, set.Labels).Rows.Select(r => new ImagePixelsRow { Label = r.Label.ToString(System.Globalization.CultureInfo.InvariantCulture), Image = r.Image });
        return Finish(ctx, set.Images, ctx.Data.LoadFromEnumerable(rows), holdOut, maxRows, seed);
    }

    /// <summary>Holds out 20% (stratified by label) when asked, then keeps at most <paramref name="maxRows"/> random rows of each part.</summary>
    private static (LoadedData Data, LoadedData? HeldOut) Finish<TRow>(MLContext ctx, string path, DataView<TRow> data, bool holdOut, int? maxRows, int seed)
        where TRow : class
    {
        if (data.Count == 0) throw new UserErrorException($"'{path}' holds no usable rows.");
        var skipped = data.SkippedRows; // lines the loader could not read (with a hold-out, counted with the training part)
        if (!holdOut) return (new(Sample(ctx, data, maxRows, seed), skipped), null);
        var split = ctx.Data.TrainTestSplit(data, testFraction: 0.2, stratificationColumnName: Columns.Label, seed: seed);
        return (new(Sample(ctx, split.TrainSet, maxRows, seed), skipped), new(Sample(ctx, split.TestSet, maxRows, seed), 0));
    }

    private static DataView<TRow> Sample<TRow>(MLContext ctx, DataView<TRow> data, int? maxRows, int seed) where TRow : class
    {
        if (maxRows is not { } max || data.Count <= max) return data;
        var indices = Enumerable.Range(0, data.Count).ToArray();
        new Random(seed).Shuffle(indices);
        return ctx.Data.LoadFromEnumerable(indices.Take(max).Order().Select(i => data.Rows[i]));
    }
}

using MlNetLion.Torch;

namespace MlNetLion;

/// <summary>
/// Turns the values of a model's input column into tensors: first each value into a compact feature
/// (token ids, 8-bit pixels) once, then batches of features into the model's input tensor.
/// Saved in the model file, so prediction preprocesses exactly as training did.
/// </summary>
internal abstract class InputEncoder
{
    protected InputEncoder(string columnName) => ColumnName = columnName;

    /// <summary>"text" or "image".</summary>
    public abstract string Kind { get; }

    /// <summary>The input column (Sentence1ColumnName / ImageColumnName at training).</summary>
    public string ColumnName { get; }

    /// <summary>The column types this encoder reads.</summary>
    public abstract Type[] AllowedTypes { get; }

    /// <summary>The feature of one value, or null with the reason when the value cannot be used
    /// (<paramref name="training"/>: for training, where e.g. an empty text teaches nothing).</summary>
    public abstract object? Featurize(object? value, bool training, out string? problem);

    /// <summary>The model input for a batch of features.</summary>
    public abstract Tensor Collate(IReadOnlyList<object> features, Device device);

    public abstract void Save(BinaryWriter writer);

    public static InputEncoder Load(BinaryReader reader)
    {
        var kind = reader.ReadString();
        if (kind == "image") return ImageInputEncoder.LoadBody(reader);
        return TextInputEncoder.LoadBody(kind, reader)
            ?? throw new InvalidDataException($"The model's input encoder '{kind}' is not known to this version.");
    }

    /// <summary>Whether featurizing is slow enough (image decoding) to spread over threads.</summary>
    protected virtual bool FeaturizeInParallel => false;

    /// <summary>Featurizes many values; problems are reported per row, in row order.</summary>
    public object?[] FeaturizeAll(IReadOnlyList<object?> values, bool training, Action<int, string> onProblem)
    {
        var features = new object?[values.Count];
        var problems = new string?[values.Count];
        if (FeaturizeInParallel)
            Parallel.For(0, values.Count, i => features[i] = Featurize(values[i], training, out problems[i]));
        else
            for (var i = 0; i < values.Count; i++) features[i] = Featurize(values[i], training, out problems[i]);
        for (var i = 0; i < values.Count; i++)
            if (features[i] is null) onProblem(i, problems[i] ?? "unusable value");
        return features;
    }
}

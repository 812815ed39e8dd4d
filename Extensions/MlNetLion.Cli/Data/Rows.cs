using MlNetLion.Data;

namespace MlNetLion.Cli.Data;

/// <summary>Text or image classification: decides how <c>--dataset</c> is read and which trainer runs.</summary>
internal enum TaskKind { Text, Image }

/// <summary>The column names of the CLI's rows, and so of the models it trains (whatever the file calls them).</summary>
internal static class Columns
{
    public const string Label = "Label";
    public const string Text = "Text";
    public const string Image = "Image";
}

/// <summary>A row of a text data set.</summary>
internal sealed class TextRow
{
    public string Label { get; set; } = "";
    public string Text { get; set; } = "";
}

/// <summary>An image file and its label (the name of its sub-folder).</summary>
internal sealed class ImagePathRow
{
    public string Label { get; set; } = "";
    public string Image { get; set; } = "";
}

/// <summary>An image of an IDX set and its class index as text.</summary>
internal sealed class ImagePixelsRow
{
    public string Label { get; set; } = "";
    public RawImage Image { get; set; } = new(1, 1, 1, [0]);
}

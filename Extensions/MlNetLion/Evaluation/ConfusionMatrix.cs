using System.Text;

namespace MlNetLion.Evaluation;

/// <summary>Counts of (actual class, predicted class) pairs, with per-class precision and recall (ML.NET's names).</summary>
public sealed class ConfusionMatrix
{
    internal ConfusionMatrix(IReadOnlyList<string> classNames, long[,] counts)
    {
        ClassNames = classNames;
        var k = classNames.Count;
        Counts = Enumerable.Range(0, k).Select(a => (IReadOnlyList<long>)Enumerable.Range(0, k).Select(p => counts[a, p]).ToArray()).ToArray();
        PerClassRecall = Enumerable.Range(0, k).Select(c => Ratio(counts[c, c], Enumerable.Range(0, k).Sum(p => counts[c, p]))).ToArray();
        PerClassPrecision = Enumerable.Range(0, k).Select(c => Ratio(counts[c, c], Enumerable.Range(0, k).Sum(a => counts[a, c]))).ToArray();
    }

    /// <summary>Class names, in class-index order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Counts[actual][predicted].</summary>
    public IReadOnlyList<IReadOnlyList<long>> Counts { get; }

    /// <summary>For each class: correct predictions of it / rows that are it (0 when it has no rows).</summary>
    public IReadOnlyList<double> PerClassRecall { get; }

    /// <summary>For each class: correct predictions of it / predictions of it (0 when never predicted).</summary>
    public IReadOnlyList<double> PerClassPrecision { get; }

    /// <summary>Number of classes.</summary>
    public int NumberOfClasses => ClassNames.Count;

    /// <summary>A text table: one row per actual class, one column per predicted class, with recall and precision.</summary>
    public string GetFormattedConfusionTable()
    {
        var width = Math.Max(9, ClassNames.Max(n => n.Length) + 1);
        var cell = Math.Max(7, Counts.SelectMany(r => r).DefaultIfEmpty(0).Max().ToString().Length + 1);
        var sb = new StringBuilder();
        sb.Append("Confusion table (rows: actual, columns: predicted)\n");
        sb.Append("".PadRight(width)).Append('|');
        foreach (var n in ClassNames) sb.Append(Truncate(n, cell).PadLeft(cell));
        sb.Append(" | Recall\n");
        sb.Append(new string('-', width + 1 + cell * NumberOfClasses + 9)).Append('\n');
        for (var a = 0; a < NumberOfClasses; a++)
        {
            sb.Append(ClassNames[a].PadRight(width)).Append('|');
            foreach (var c in Counts[a]) sb.Append(c.ToString().PadLeft(cell));
            sb.Append($" | {PerClassRecall[a]:F4}\n");
        }
        sb.Append(new string('-', width + 1 + cell * NumberOfClasses + 9)).Append('\n');
        sb.Append("Precision".PadRight(width)).Append('|');
        foreach (var p in PerClassPrecision) sb.Append(p.ToString("F4").PadLeft(cell));
        return sb.Append('\n').ToString();
    }

    /// <inheritdoc />
    public override string ToString() => GetFormattedConfusionTable();

    private static double Ratio(long a, long b) => b == 0 ? 0 : (double)a / b;
    private static string Truncate(string s, int width) => s.Length < width ? s : s[..(width - 1)];
}

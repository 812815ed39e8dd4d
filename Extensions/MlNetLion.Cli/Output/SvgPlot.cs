using System.Globalization;
using System.Security;
using System.Text;

namespace MlNetLion.Cli.Output;

/// <summary>
/// A minimal SVG line/scatter chart (no plotting library is available to .NET here): series of points with
/// optional ± error bars, linear or log10 axes, a legend; <see cref="Row"/> puts charts side by side. Used by the
/// CLI's curves.svg and, compiled in, by bench/'s study figures.
/// </summary>
internal sealed class SvgPlot(string title, string xLabel, string yLabel, bool logX = false, bool logY = false)
{
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];
    private readonly List<Series> _series = [];

    public sealed record Series(string Name, IReadOnlyList<(double X, double Y, double Err)> Points, bool Dashed, bool Lines, bool Markers, string Color);

    /// <summary>Adds a series; <paramref name="color"/> null picks the next palette colour; a dot marks each point
    /// unless <paramref name="markers"/> is false or the series is dashed.</summary>
    public SvgPlot Add(string name, IEnumerable<(double X, double Y, double Err)> points, bool dashed = false, bool lines = true, string? color = null,
        bool markers = true)
    {
        _series.Add(new Series(name, points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList(), dashed, lines, markers,
            color ?? Palette[_series.Count % Palette.Length]));
        return this;
    }

    public static string ColorAt(int i) => Palette[i % Palette.Length];

    /// <summary>One SVG with <paramref name="plots"/> side by side, each <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static string Row(IReadOnlyList<SvgPlot> plots, int width = 640, int height = 400)
    {
        var svg = new StringBuilder();
        svg.Append(I($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width * plots.Count}\" height=\"{height}\" viewBox=\"0 0 {width * plots.Count} {height}\">\n"));
        for (var i = 0; i < plots.Count; i++)
            svg.Append(I($"<svg x=\"{i * width}\" y=\"0\"")).Append(plots[i].Render(width, height)["<svg".Length..]);
        return svg.Append("</svg>\n").ToString();
    }

    public string Render(int width = 780, int height = 440)
    {
        const int left = 70, right = 260, top = 40, bottom = 55;
        var points = _series.SelectMany(s => s.Points).ToList();
        if (points.Count == 0) throw new InvalidOperationException($"the plot '{title}' has no points");
        var (x0, x1) = Range(points.Select(p => p.X), logX);
        var (y0, y1) = Range(points.SelectMany(p => new[] { p.Y - p.Err, p.Y + p.Err }), logY);
        double pw = width - left - right, ph = height - top - bottom;
        double Sx(double x) => left + (T(x, logX) - x0) / (x1 - x0) * pw;
        double Sy(double y) => top + ph - (T(y, logY) - y0) / (y1 - y0) * ph;

        var svg = new StringBuilder();
        svg.Append(I($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(I($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"));
        svg.Append(I($"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{E(title)}</text>\n"));
        svg.Append(I($"<rect x=\"{left}\" y=\"{top}\" width=\"{pw:F1}\" height=\"{ph:F1}\" fill=\"none\" stroke=\"#333\"/>\n"));
        foreach (var (v, label) in Ticks(x0, x1, logX))
        {
            var x = left + (v - x0) / (x1 - x0) * pw;
            svg.Append(I($"<line x1=\"{x:F1}\" y1=\"{top}\" x2=\"{x:F1}\" y2=\"{top + ph:F1}\" stroke=\"#ddd\"/><text x=\"{x:F1}\" y=\"{top + ph + 16:F1}\" text-anchor=\"middle\">{label}</text>\n"));
        }
        foreach (var (v, label) in Ticks(y0, y1, logY))
        {
            var y = top + ph - (v - y0) / (y1 - y0) * ph;
            svg.Append(I($"<line x1=\"{left}\" y1=\"{y:F1}\" x2=\"{left + pw:F1}\" y2=\"{y:F1}\" stroke=\"#ddd\"/><text x=\"{left - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{label}</text>\n"));
        }
        svg.Append(I($"<text x=\"{left + pw / 2:F1}\" y=\"{height - 12}\" text-anchor=\"middle\">{E(xLabel)}</text>\n"));
        svg.Append(I($"<text transform=\"translate(16,{top + ph / 2:F1}) rotate(-90)\" text-anchor=\"middle\">{E(yLabel)}</text>\n"));
        var legend = 0;
        foreach (var s in _series)
        {
            var dash = s.Dashed ? " stroke-dasharray=\"6,4\"" : "";
            var ordered = s.Points.OrderBy(p => p.X).ToList();
            if (s.Lines && ordered.Count > 0)
                svg.Append(I($"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2\"{dash} points=\"{string.Join(" ", ordered.Select(p => I($"{Sx(p.X):F1},{Sy(p.Y):F1}")))}\"/>\n"));
            foreach (var p in ordered)
            {
                if (p.Err > 0)
                    svg.Append(I($"<line x1=\"{Sx(p.X):F1}\" y1=\"{Sy(p.Y - p.Err):F1}\" x2=\"{Sx(p.X):F1}\" y2=\"{Sy(p.Y + p.Err):F1}\" stroke=\"{s.Color}\"/>\n"));
                if (s.Markers && !s.Dashed) svg.Append(I($"<circle cx=\"{Sx(p.X):F1}\" cy=\"{Sy(p.Y):F1}\" r=\"3\" fill=\"{s.Color}\"/>\n"));
            }
            if (s.Name.Length == 0) continue; // unnamed series (e.g. a fit drawn in its data's colour) get no legend entry
            var ly = top + 10 + legend++ * 18;
            svg.Append(s.Lines || s.Dashed
                ? I($"<line x1=\"{width - right + 12}\" y1=\"{ly}\" x2=\"{width - right + 36}\" y2=\"{ly}\" stroke=\"{s.Color}\" stroke-width=\"2\"{dash}/>")
                : I($"<circle cx=\"{width - right + 24}\" cy=\"{ly}\" r=\"3\" fill=\"{s.Color}\"/>"));
            svg.Append(I($"<text x=\"{width - right + 42}\" y=\"{ly + 4}\">{E(s.Name)}</text>\n"));
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static double T(double v, bool log) => log ? Math.Log10(v) : v;

    private static (double, double) Range(IEnumerable<double> values, bool log)
    {
        var t = values.Where(v => double.IsFinite(v) && (!log || v > 0)).Select(v => T(v, log)).ToList();
        double lo = t.Min(), hi = t.Max();
        var pad = hi > lo ? (hi - lo) * 0.05 : Math.Max(Math.Abs(lo) * 0.05, 0.05);
        return (lo - pad, hi + pad);
    }

    /// <summary>Tick positions (in axis units: log10 on a log axis) and labels: 1-2-5 steps on linear axes, decades (and 2, 5 within a short span) on log axes.</summary>
    internal static List<(double Value, string Label)> Ticks(double lo, double hi, bool log)
    {
        var ticks = new List<(double, string)>();
        if (log)
        {
            var mantissas = hi - lo < 2 ? new[] { 1.0, 2, 5 } : [1.0];
            for (var d = Math.Floor(lo); d <= Math.Ceiling(hi); d++)
                foreach (var m in mantissas)
                {
                    var v = d + Math.Log10(m);
                    if (v >= lo && v <= hi) ticks.Add((v, d is >= -2 and <= 3 ? (m * Math.Pow(10, d)).ToString("G4", CultureInfo.InvariantCulture) : I($"{m}e{d}")));
                }
            return ticks;
        }
        var raw = (hi - lo) / 6;
        var mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(f => f * mag).First(s => s >= raw);
        for (var v = Math.Ceiling(lo / step) * step; v <= hi; v += step)
            ticks.Add((v, (Math.Round(v, 10) + 0.0).ToString("G4", CultureInfo.InvariantCulture))); // + 0.0 turns -0 into 0
        return ticks;
    }

    private static string E(string s) => SecurityElement.Escape(s) ?? "";

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

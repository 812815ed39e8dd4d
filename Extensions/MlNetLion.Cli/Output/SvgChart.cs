using System.Globalization;
using System.Security;
using System.Text;

namespace MlNetLion.Cli.Output;

/// <summary>A named line of (x, y) points; <see cref="Markers"/> draws a dot at each point (for sparse series).</summary>
internal sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points, bool Markers = false);

/// <summary>One chart: a title, axis labels and its series.</summary>
internal sealed record ChartPanel(string Title, string XLabel, string YLabel, IReadOnlyList<Series> Series);

/// <summary>
/// Writes line charts as a standalone SVG: panels side by side, each with axes, ticks and gridlines at "nice"
/// values, one colored line per series, and one legend for all panels (a series keeps its color across panels).
/// </summary>
internal static class SvgChart
{
    private const int PanelWidth = 520, PanelHeight = 360, Left = 64, Right = 16, Top = 36, Bottom = 48, LegendRow = 22;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    public static void Write(string path, IReadOnlyList<ChartPanel> panels) => File.WriteAllText(path, Render(panels));

    public static string Render(IReadOnlyList<ChartPanel> panels)
    {
        var names = panels.SelectMany(p => p.Series).Select(s => s.Name).Distinct().ToList();
        int width = PanelWidth * panels.Count, height = PanelHeight + LegendRow * ((names.Count + 3) / 4) + 8;
        var svg = new StringBuilder();
        svg.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(F($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"));
        for (var i = 0; i < panels.Count; i++) DrawPanel(svg, panels[i], i * PanelWidth, names);
        for (var i = 0; i < names.Count; i++)
        {
            double x = 16 + i % 4 * (width - 32) / 4.0, y = PanelHeight + 14 + i / 4 * LegendRow;
            svg.Append(F($"<line x1=\"{x}\" y1=\"{y}\" x2=\"{x + 24}\" y2=\"{y}\" stroke=\"{Color(i)}\" stroke-width=\"3\"/>"));
            svg.Append(F($"<text x=\"{x + 30}\" y=\"{y + 4}\">{Escape(names[i])}</text>\n"));
        }
        return svg.Append("</svg>\n").ToString();
    }

    private static void DrawPanel(StringBuilder svg, ChartPanel panel, double offset, List<string> names)
    {
        double x0 = offset + Left, x1 = offset + PanelWidth - Right, y0 = PanelHeight - Bottom, y1 = Top;
        var points = panel.Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var (xMin, xMax, xStep) = Axis(points.Count == 0 ? 0 : points.Min(p => p.X), points.Count == 0 ? 1 : points.Max(p => p.X), fromZero: true);
        var (yMin, yMax, yStep) = Axis(points.Count == 0 ? 0 : points.Min(p => p.Y), points.Count == 0 ? 1 : points.Max(p => p.Y), fromZero: false);
        double X(double v) => x0 + (v - xMin) / (xMax - xMin) * (x1 - x0);
        double Y(double v) => y0 - (v - yMin) / (yMax - yMin) * (y0 - y1);

        svg.Append(F($"<text x=\"{(x0 + x1) / 2}\" y=\"{Top - 14}\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{Escape(panel.Title)}</text>\n"));
        for (var v = xMin; v <= xMax + xStep / 2; v += xStep)
        {
            svg.Append(F($"<line x1=\"{X(v)}\" y1=\"{y0}\" x2=\"{X(v)}\" y2=\"{y1}\" stroke=\"#e5e5e5\"/>"));
            svg.Append(F($"<text x=\"{X(v)}\" y=\"{y0 + 16}\" text-anchor=\"middle\">{Tick(v, xStep)}</text>\n"));
        }
        for (var v = yMin; v <= yMax + yStep / 2; v += yStep)
        {
            svg.Append(F($"<line x1=\"{x0}\" y1=\"{Y(v)}\" x2=\"{x1}\" y2=\"{Y(v)}\" stroke=\"#e5e5e5\"/>"));
            svg.Append(F($"<text x=\"{x0 - 6}\" y=\"{Y(v) + 4}\" text-anchor=\"end\">{Tick(v, yStep)}</text>\n"));
        }
        svg.Append(F($"<polyline points=\"{x0},{y1} {x0},{y0} {x1},{y0}\" fill=\"none\" stroke=\"black\"/>\n"));
        svg.Append(F($"<text x=\"{(x0 + x1) / 2}\" y=\"{y0 + 36}\" text-anchor=\"middle\">{Escape(panel.XLabel)}</text>\n"));
        svg.Append(F($"<text transform=\"translate({offset + 16},{(y0 + y1) / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(panel.YLabel)}</text>\n"));
        foreach (var series in panel.Series)
        {
            var color = Color(names.IndexOf(series.Name));
            var coordinates = series.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).Select(p => F($"{X(p.X):0.#},{Y(p.Y):0.#}")).ToList();
            svg.Append(F($"<polyline points=\"{string.Join(' ', coordinates)}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" stroke-linejoin=\"round\"/>\n"));
            if (series.Markers)
                foreach (var c in coordinates)
                    svg.Append(F($"<circle cx=\"{c.Split(',')[0]}\" cy=\"{c.Split(',')[1]}\" r=\"3.5\" fill=\"{color}\"/>"));
            svg.Append('\n');
        }
    }

    /// <summary>Axis bounds and tick step at 1, 2 or 5 times a power of ten, about 5 ticks.</summary>
    internal static (double Min, double Max, double Step) Axis(double min, double max, bool fromZero)
    {
        if (fromZero) min = Math.Min(0, min);
        if (max - min < 1e-12) { min -= 0.5; max += 0.5; }
        var raw = (max - min) / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        return (Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
    }

    private static string Tick(double v, double step)
    {
        var decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step) + 1e-9));
        return Math.Round(v, decimals).ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    private static string Color(int index) => Colors[index % Colors.Length];

    private static string Escape(string text) => SecurityElement.Escape(text);

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

using System.Xml.Linq;
using MlNetLion.Cli.Output;

namespace MlNetLion.Cli.Tests;

[TestClass]
public sealed class SvgChartTests
{
    [TestMethod]
    [DataRow(0.0, 2.37, true, 0.0, 2.5, 0.5)]
    [DataRow(0.571, 0.864, false, 0.5, 0.9, 0.1)]
    [DataRow(3.0, 3.0, false, 2.4, 3.6, 0.2)]
    [DataRow(5.0, 181.0, true, 0.0, 200.0, 50.0)]
    public void Axis_EndsAndStepsAtNiceValues(double min, double max, bool fromZero, double lo, double hi, double step)
    {
        var (a, b, s) = SvgChart.Axis(min, max, fromZero);
        Assert.AreEqual(lo, a, 1e-9);
        Assert.AreEqual(hi, b, 1e-9);
        Assert.AreEqual(step, s, 1e-9);
    }

    [TestMethod]
    public void Render_DrawsOneLinePerSeriesAndPanel_KeepsColorsAcrossPanels_AndEscapesNames()
    {
        var svg = XDocument.Parse(SvgChart.Render(
        [
            new ChartPanel("loss", "seconds", "loss", [new Series("a<b", [(0, 2), (1, 1)]), new Series("c", [(0, 3), (2, 0.5)])]),
            new ChartPanel("accuracy", "seconds", "acc", [new Series("c", [(1, 0.5), (2, 0.7)], Markers: true), new Series("a<b", [(1, 0.6)], Markers: true)]),
        ]));
        var lines = svg.Descendants().Where(e => e.Name.LocalName == "polyline" && e.Attribute("stroke")?.Value != "black").ToList();
        Assert.HasCount(4, lines);
        Assert.AreEqual(lines[0].Attribute("stroke")!.Value, lines[3].Attribute("stroke")!.Value, "'a<b' has one color in both panels");
        Assert.AreNotEqual(lines[0].Attribute("stroke")!.Value, lines[1].Attribute("stroke")!.Value);
        Assert.HasCount(3, svg.Descendants().Where(e => e.Name.LocalName == "circle"));
        Assert.Contains("a<b", svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList());
    }
}

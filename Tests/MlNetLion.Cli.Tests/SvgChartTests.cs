using System.Xml.Linq;
using MlNetLion.Cli.Output;

namespace MlNetLion.Cli.Tests;

[TestClass]
public sealed class SvgChartTests
{
    [TestMethod]
    public void Row_PutsChartsSideBySide_KeepsColorsAcrossCharts_AndEscapesNames()
    {
        var loss = new SvgPlot("loss", "seconds", "loss").Add("a<b", [(0, 2, 0), (1, 1, 0)], markers: false).Add("c", [(0, 3, 0), (2, 0.5, 0)], markers: false);
        var accuracy = new SvgPlot("accuracy", "seconds", "acc").Add("a<b", [(1, 0.6, 0)]).Add("c", [(1, 0.5, 0), (2, 0.7, 0)]);
        var svg = XDocument.Parse(SvgPlot.Row([loss, accuracy], width: 500, height: 300));

        Assert.AreEqual("1000", svg.Root!.Attribute("width")!.Value);
        var charts = svg.Root.Elements().Where(e => e.Name.LocalName == "svg").ToList();
        CollectionAssert.AreEqual(new[] { "0", "500" }, charts.Select(c => c.Attribute("x")!.Value).ToArray());
        var lines = svg.Descendants().Where(e => e.Name.LocalName == "polyline").ToList();
        Assert.HasCount(4, lines);
        Assert.AreEqual(lines[0].Attribute("stroke")!.Value, lines[2].Attribute("stroke")!.Value, "'a<b' has one color in both charts");
        Assert.AreNotEqual(lines[0].Attribute("stroke")!.Value, lines[1].Attribute("stroke")!.Value);
        Assert.HasCount(3, svg.Descendants().Where(e => e.Name.LocalName == "circle" && e.Parent == charts[1]), "dots only where markers are on");
        Assert.IsFalse(charts[0].Elements().Any(e => e.Name.LocalName == "circle"));
        Assert.Contains("a<b", svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList());
    }
}

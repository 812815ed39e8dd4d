using System.Xml.Linq;
using MlNetLion.Cli.Output;

namespace MlNetLion.Bench.Tests;

[TestClass]
public sealed class BenchHelperTests
{
    [TestMethod]
    public void PowerLawFitRecoversExponentAndScale()
    {
        double[] x = [1e3, 1e4, 1e5, 1e6];
        var y = x.Select(v => 5.0 * Math.Pow(v, -0.25)).ToArray();
        var fit = PowerLaw.Fit(x, y);
        Assert.AreEqual(-0.25, fit.Exponent, 1e-12);
        Assert.AreEqual(5.0, fit.A, 1e-9);
        Assert.AreEqual(1.0, fit.RSquared, 1e-12);
        Assert.AreEqual(5.0 * Math.Pow(2e4, -0.25), fit.At(2e4), 1e-12);
    }

    [TestMethod]
    public void PowerLawFitOfNoisyPointsIsTheLogLogLeastSquaresLine()
    {
        // ln y = 1 + 0.5 ln x, with residuals +0.1, -0.1, -0.1, +0.1 around it; slope by hand: 0.5 + cov(ln x, e)/var(ln x).
        double[] lx = [0, 1, 2, 3];
        double[] e = [0.1, -0.1, -0.1, 0.1];
        var fit = PowerLaw.Fit(lx.Select(Math.Exp).ToArray(), lx.Select((v, i) => Math.Exp(1 + 0.5 * v + e[i])).ToArray());
        Assert.AreEqual(0.5, fit.Exponent, 1e-12); // e is symmetric: cov(ln x, e) = 0
        Assert.AreEqual(Math.E, fit.A, 1e-12);
        Assert.IsTrue(fit.RSquared is > 0.9 and < 1);
    }

    [TestMethod]
    public void PowerLawFitRejectsUnusableInput()
    {
        Assert.ThrowsExactly<ArgumentException>(() => PowerLaw.Fit([1.0], [1.0]));
        Assert.ThrowsExactly<ArgumentException>(() => PowerLaw.Fit([1.0, 2.0], [1.0, 0.0]));
        Assert.ThrowsExactly<ArgumentException>(() => PowerLaw.Fit([2.0, 2.0], [1.0, 3.0]));
    }

    [TestMethod]
    public void VarianceRatioPValueIsTheTwoSidedFTest()
    {
        // variances 2.5 and 10 (ratio 1/4) with 4 and 4 degrees of freedom: scipy.stats.f.cdf(0.25, 4, 4) = 0.104
        double[] a = [1, 2, 3, 4, 5], b = [2, 4, 6, 8, 10];
        Assert.AreEqual(0.208, Stats.VarianceRatioPValue(a, b), 1e-9);
        Assert.AreEqual(0.208, Stats.VarianceRatioPValue(b, a), 1e-9);
        Assert.AreEqual(1.0, Stats.VarianceRatioPValue(a, [11, 12, 13, 14, 15]), 1e-9);
        Assert.IsTrue(double.IsNaN(Stats.VarianceRatioPValue(a, [3, 3, 3])));
        Assert.IsTrue(double.IsNaN(Stats.VarianceRatioPValue(a, [3])));
    }

    [TestMethod]
    public void WelchTTestPValueMatchesScipy()
    {
        // scipy.stats.ttest_ind(a, b, equal_var=False).pvalue
        Assert.AreEqual(0.10753119493062718, Stats.WelchTTestPValue([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]), 1e-9);
        Assert.AreEqual(0.25370240620241763, Stats.WelchTTestPValue([1, 2, 3, 4, 5], [3, 3.5, 4, 4.5, 5]), 1e-9);
        Assert.IsTrue(double.IsNaN(Stats.WelchTTestPValue([2, 2], [3, 3])));
    }

    [TestMethod]
    public void SvgPlotIsWellFormedWithOnePolylinePerLineSeries()
    {
        var svg = new SvgPlot("loss <vs> N", "N", "loss", logX: true, logY: true)
            .Add("Lion & co", [(1e3, 0.5, 0.0), (1e4, 0.4, 0.0), (1e5, 0.3, 0.0)])
            .Add("fit", [(1e3, 0.51, 0.0), (1e5, 0.29, 0.0)], dashed: true)
            .Render();
        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.AreEqual(2, doc.Descendants(ns + "polyline").Count());
        Assert.AreEqual(3, doc.Descendants(ns + "circle").Count()); // dashed (fit) series draw no markers
        StringAssert.Contains(svg, "loss &lt;vs&gt; N");
    }

    [TestMethod]
    public void LogTicksAreDecadesAndLinearTicksStepBy125()
    {
        CollectionAssert.AreEqual(new[] { "100", "1000", "1e4" }, SvgPlot.Ticks(1.9, 4.1, log: true).Select(t => t.Label).ToArray());
        CollectionAssert.AreEqual(new[] { "0", "0.2", "0.4", "0.6", "0.8", "1" }, SvgPlot.Ticks(0, 1, log: false).Select(t => t.Label).ToArray());
        Assert.AreEqual("0", SvgPlot.Ticks(-0.2, 4.2, log: false).Select(t => t.Label).First(l => l.TrimStart('-') == "0"), "no negative zero");
    }

    [TestMethod]
    public void CnnFlopsFollowTheShimsLayout()
    {
        // width 16, 28x28 gray, 10 classes: stem 28²·16·1·9; stage 1 (28²): 2 convs 16→16; stage 2 (14²): 16→32, 32→32, 1x1 shortcut;
        // stage 3 (7²): 32→64, 64→64, 1x1 shortcut; head 64·10. Training ≈ 6 FLOPs per multiply-add.
        double macs = 784 * 16 * 9 + 2 * 784 * 16 * 16 * 9 + 196 * (32 * 16 * 9 + 32 * 32 * 9 + 32 * 16) + 49 * (64 * 32 * 9 + 64 * 64 * 9 + 64 * 32) + 640;
        Assert.AreEqual(6 * macs, ScalingStudy.TrainingFlopsPerSample(1, 16, 1, 28, 10));
    }

    [TestMethod]
    public void StatsMedianAndSampleStdDev()
    {
        Assert.AreEqual(2.5, Stats.Median([4, 1, 3, 2]));
        Assert.AreEqual(3, Stats.Median([5, 1, 3]));
        Assert.AreEqual(Math.Sqrt(2.5), Stats.StdDev([1, 2, 3, 4, 5]), 1e-12);
        Assert.AreEqual(0, Stats.StdDev([7]));
    }
}

namespace MlNetLion.Bench;

/// <summary>Small statistics and process facts the studies report.</summary>
internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        if (s.Length == 0) return double.NaN;
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    public static double Mean(IEnumerable<double> values) => values.DefaultIfEmpty(double.NaN).Average();

    /// <summary>Sample standard deviation (n - 1); 0 for a single value.</summary>
    public static double StdDev(IReadOnlyCollection<double> values)
    {
        if (values.Count < 2) return 0;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>
    /// Two-sided p-value of the F-test that two samples (assumed normal) have the same variance: the ratio
    /// var(<paramref name="a"/>) / var(<paramref name="b"/>) against the F distribution with (n_a - 1, n_b - 1) degrees
    /// of freedom. NaN when either variance is 0 or a sample has fewer than 2 values.
    /// </summary>
    public static double VarianceRatioPValue(IReadOnlyCollection<double> a, IReadOnlyCollection<double> b)
    {
        if (a.Count < 2 || b.Count < 2) return double.NaN;
        double va = Math.Pow(StdDev(a), 2), vb = Math.Pow(StdDev(b), 2);
        if (va == 0 || vb == 0) return double.NaN;
        var cdf = MathNet.Numerics.Distributions.FisherSnedecor.CDF(a.Count - 1, b.Count - 1, va / vb);
        return Math.Min(1, 2 * Math.Min(cdf, 1 - cdf));
    }

    /// <summary>Two-sided p-value of Welch's t-test that two samples have the same mean (unequal variances); NaN when both variances are 0.</summary>
    public static double WelchTTestPValue(IReadOnlyCollection<double> a, IReadOnlyCollection<double> b)
    {
        if (a.Count < 2 || b.Count < 2) return double.NaN;
        double sa = Math.Pow(StdDev(a), 2) / a.Count, sb = Math.Pow(StdDev(b), 2) / b.Count;
        if (sa + sb == 0) return double.NaN;
        var t = (a.Average() - b.Average()) / Math.Sqrt(sa + sb);
        var df = (sa + sb) * (sa + sb) / (sa * sa / (a.Count - 1) + sb * sb / (b.Count - 1));
        return 2 * (1 - MathNet.Numerics.Distributions.StudentT.CDF(0, 1, df, Math.Abs(t)));
    }

    /// <summary>Peak resident set size of this process (VmHWM) in MiB.</summary>
    public static double PeakRssMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    /// <summary>The 1-minute load average.</summary>
    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
}

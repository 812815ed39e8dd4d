namespace MlNetLion.Bench;

/// <summary>y = A·x^Exponent, fitted by least squares on (ln x, ln y); R² is that of the log-log fit.</summary>
internal sealed record PowerLaw(double A, double Exponent, double RSquared)
{
    public double At(double x) => A * Math.Pow(x, Exponent);

    public static PowerLaw Fit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count || x.Count < 2) throw new ArgumentException("a power-law fit needs at least two (x, y) pairs");
        if (x.Concat(y).Any(v => !(v > 0))) throw new ArgumentException("a power-law fit needs positive x and y");
        var lx = x.Select(v => Math.Log(v)).ToArray();
        var ly = y.Select(v => Math.Log(v)).ToArray();
        double mx = lx.Average(), my = ly.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < lx.Length; i++)
        {
            sxy += (lx[i] - mx) * (ly[i] - my);
            sxx += (lx[i] - mx) * (lx[i] - mx);
            syy += (ly[i] - my) * (ly[i] - my);
        }
        if (sxx == 0) throw new ArgumentException("a power-law fit needs at least two different x");
        var b = sxy / sxx;
        var r2 = syy == 0 ? 1 : sxy * sxy / (sxx * syy);
        return new PowerLaw(Math.Exp(my - b * mx), b, r2);
    }
}

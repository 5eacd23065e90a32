using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using PatientExperience.Reporting.Charts;

namespace PatientExperience.Reporting.Governance;

/// <summary>
/// The pack as a PDF (PDFsharp, A4): a title, then each section from a new heading with a bookmark (outline) of its title,
/// paragraphs wrapped to the page, tables in a grid, charts as images scaled to the page width. Text is set in the embedded
/// DejaVu Sans (<see cref="ReportFonts"/>, resolved by <see cref="EmbeddedPdfFonts"/>, no system fonts needed), WinAnsi
/// encoded so the text can be searched and copied.
/// </summary>
public static class PackPdf
{
    private const double Margin = 50;
    private static readonly XPdfFontOptions Encoding = new(PdfFontEncoding.WinAnsi);

    public static byte[] Render(PackDocument pack)
    {
        EmbeddedPdfFonts.EnsureRegistered();
        using var document = new PdfDocument();
        document.Info.Title = pack.Title;
        document.Info.Subject = $"Governance pack {pack.FacilityId} {pack.Month}";
        document.Info.Creator = "Patient Experience Platform reporting";
        var writer = new Writer(document);
        writer.Text(pack.Title, new XFont(ReportFonts.Family, 16, XFontStyleEx.Bold, Encoding), after: 4);
        writer.Text($"Generated {pack.GeneratedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC. Aggregates only: no patient is named or quoted.", writer.Small, after: 10);
        foreach (var section in pack.Sections)
        {
            writer.Heading(section.Title);
            foreach (var block in section.Blocks)
            {
                switch (block)
                {
                    case PackParagraph p: writer.Text(p.Text, writer.Body, after: 6); break;
                    case PackTable t: writer.Table(t); break;
                    case PackChart c: writer.Image(c); break;
                }
            }
        }

        writer.Dispose();
        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    /// <summary>Lays blocks top to bottom, starting a page when the next one does not fit.</summary>
    private sealed class Writer : IDisposable
    {
        private readonly PdfDocument _document;
        private PdfPage _page = null!;
        private XGraphics _gfx = null!;
        private double _y;

        public XFont Body { get; } = new(ReportFonts.Family, 9.5, XFontStyleEx.Regular, Encoding);
        public XFont Small { get; } = new(ReportFonts.Family, 8, XFontStyleEx.Regular, Encoding);
        private XFont Bold { get; } = new(ReportFonts.Family, 9.5, XFontStyleEx.Bold, Encoding);
        private XFont HeadingFont { get; } = new(ReportFonts.Family, 13, XFontStyleEx.Bold, Encoding);

        public Writer(PdfDocument document)
        {
            _document = document;
            NewPage();
        }

        private double Width => _page.Width.Point - 2 * Margin;
        private double Bottom => _page.Height.Point - Margin;

        private void NewPage()
        {
            _gfx?.Dispose();
            _page = _document.AddPage();
            _page.Size = PdfSharp.PageSize.A4;
            _gfx = XGraphics.FromPdfPage(_page);
            _y = Margin;
        }

        private void Room(double height)
        {
            if (_y + height > Bottom && _y > Margin) NewPage();
        }

        public void Heading(string title)
        {
            Room(HeadingFont.GetHeight() + 60);
            _y += 8;
            _document.Outlines.Add(title, _page, true);
            _gfx.DrawString(title, HeadingFont, XBrushes.Black, new XRect(Margin, _y, Width, HeadingFont.GetHeight()), XStringFormats.TopLeft);
            _y += HeadingFont.GetHeight() + 2;
            _gfx.DrawLine(XPens.Gray, Margin, _y, Margin + Width, _y);
            _y += 6;
        }

        public void Text(string text, XFont font, double after)
        {
            var line = font.GetHeight();
            foreach (var row in Wrap(text, font, Width))
            {
                Room(line);
                _gfx.DrawString(row, font, XBrushes.Black, new XRect(Margin, _y, Width, line), XStringFormats.TopLeft);
                _y += line;
            }

            _y += after;
        }

        public void Table(PackTable table)
        {
            var columns = table.Headers.Count;
            var widths = ColumnWidths(table);
            double X(int c) => Margin + widths.Take(c).Sum();
            double W(int c) => widths[c];
            var height = Body.GetHeight() + 4;

            void Row(IReadOnlyList<string> cells, XFont font, bool shaded)
            {
                Room(height);
                if (shaded) _gfx.DrawRectangle(XBrushes.Gainsboro, Margin, _y, Width, height);
                for (var c = 0; c < cells.Count && c < columns; c++)
                {
                    var text = Fit(cells[c], font, W(c) - 6);
                    _gfx.DrawString(text, font, XBrushes.Black, new XRect(X(c) + 3, _y + 2, W(c) - 6, height - 4), c == 0 ? XStringFormats.TopLeft : XStringFormats.TopRight);
                }

                _gfx.DrawLine(XPens.LightGray, Margin, _y + height, Margin + Width, _y + height);
                _y += height;
            }

            Room(height * Math.Min(4, table.Rows.Count + 1));
            Row(table.Headers, Bold, shaded: true);
            foreach (var row in table.Rows) Row(row, Body, shaded: false);
            _y += 8;
        }

        /// <summary>
        /// A wide first column (the row's label) and equal others, unless a cell would not fit: then widths follow the widest
        /// text of each column, spare room shared evenly, or scaled down to the page when the texts together are wider.
        /// </summary>
        private double[] ColumnWidths(PackTable table)
        {
            const double padding = 6;
            var columns = table.Headers.Count;
            var first = Math.Min(Width * 0.45, Math.Max(Width / columns, 150));
            var other = columns == 1 ? 0 : (Width - first) / (columns - 1);
            var widths = Enumerable.Range(0, columns).Select(c => c == 0 ? first : other).ToArray();
            var natural = Enumerable.Range(0, columns).Select(c => Math.Max(
                _gfx.MeasureString(table.Headers[c], Bold).Width,
                table.Rows.Select(r => c < r.Count ? _gfx.MeasureString(r[c], Body).Width : 0).DefaultIfEmpty(0).Max()) + padding).ToArray();
            if (natural.Select((n, c) => n <= widths[c]).All(fits => fits)) return widths;
            var total = natural.Sum();
            return total <= Width
                ? natural.Select(n => n + (Width - total) / columns).ToArray()
                : natural.Select(n => n * Width / total).ToArray();
        }

        public void Image(PackChart chart)
        {
            using var image = XImage.FromStream(new MemoryStream(chart.Png));
            var width = Width;
            var height = width * image.PixelHeight / image.PixelWidth;
            Room(height + Small.GetHeight() + 6);
            _gfx.DrawImage(image, Margin, _y, width, height);
            _y += height + 2;
            _gfx.DrawString(chart.Caption, Small, XBrushes.DimGray, new XRect(Margin, _y, width, Small.GetHeight()), XStringFormats.TopCenter);
            _y += Small.GetHeight() + 10;
        }

        private IEnumerable<string> Wrap(string text, XFont font, double width)
        {
            var line = "";
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && _gfx.MeasureString(candidate, font).Width > width)
                {
                    yield return line;
                    line = word;
                }
                else line = candidate;
            }

            if (line.Length > 0) yield return line;
        }

        private string Fit(string text, XFont font, double width)
        {
            if (_gfx.MeasureString(text, font).Width <= width) return text;
            while (text.Length > 1 && _gfx.MeasureString(text + "...", font).Width > width) text = text[..^1];
            return text + "...";
        }

        public void Dispose() => _gfx?.Dispose();
    }
}

/// <summary>PDFsharp's font resolver: every family is the embedded DejaVu Sans (regular or bold); set once per process.</summary>
public sealed class EmbeddedPdfFonts : IFontResolver
{
    private const string RegularFace = "pxp-dejavu-sans";
    private const string BoldFace = "pxp-dejavu-sans-bold";
    private static readonly object Gate = new();

    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is EmbeddedPdfFonts) return;
            GlobalFontSettings.FontResolver = new EmbeddedPdfFonts();
        }
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        bold ? new FontResolverInfo(BoldFace) : new FontResolverInfo(RegularFace, false, italic);

    public byte[] GetFont(string faceName) => faceName == BoldFace ? ReportFonts.Bold : ReportFonts.Regular;
}

using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace PatientExperience.Reporting.Governance;

/// <summary>
/// The pack as one self-contained HTML page (well-formed XHTML: no scripts, no external resources; charts as PNG data URIs),
/// printable as it is. Every section is a <c>section</c> with its id and an <c>h2</c> title.
/// </summary>
public static class PackHtml
{
    private static readonly XNamespace Html = "http://www.w3.org/1999/xhtml";

    private const string Style = """
        body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 2em; color: #222; max-width: 60em; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.2em; border-bottom: 1px solid #999; margin-top: 2em; }
        table { border-collapse: collapse; margin: 0.8em 0; } th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; }
        td + td, th + th { text-align: right; } figure { margin: 1em 0; } img { max-width: 100%; } .meta { color: #555; }
        """;

    public static string Render(PackDocument pack)
    {
        var body = new XElement(Html + "body",
            new XElement(Html + "h1", pack.Title),
            new XElement(Html + "p", new XAttribute("class", "meta"),
                $"Generated {pack.GeneratedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC. Aggregates only: no patient is named or quoted."),
            new XElement(Html + "nav", new XElement(Html + "ol", pack.Sections.Select(s =>
                new XElement(Html + "li", new XElement(Html + "a", new XAttribute("href", "#" + s.Id), s.Title))))),
            pack.Sections.Select(Section));
        var document = new XElement(Html + "html", new XAttribute("lang", "en"),
            new XElement(Html + "head",
                new XElement(Html + "meta", new XAttribute("charset", "utf-8")),
                new XElement(Html + "title", pack.Title),
                new XElement(Html + "style", Style)),
            body);
        var text = new StringBuilder("<!DOCTYPE html>\n");
        text.Append(document.ToString(SaveOptions.DisableFormatting));
        return text.ToString();
    }

    private static XElement Section(PackSection section) =>
        new(Html + "section", new XAttribute("id", section.Id),
            new XElement(Html + "h2", section.Title),
            section.Blocks.Select(Block));

    private static XElement Block(PackBlock block) => block switch
    {
        PackParagraph p => new XElement(Html + "p", p.Text),
        PackTable t => new XElement(Html + "table",
            new XElement(Html + "thead", new XElement(Html + "tr", t.Headers.Select(h => new XElement(Html + "th", h)))),
            new XElement(Html + "tbody", t.Rows.Select(r => new XElement(Html + "tr", r.Select(c => new XElement(Html + "td", c)))))),
        PackChart c => new XElement(Html + "figure",
            new XElement(Html + "img", new XAttribute("alt", c.Caption), new XAttribute("src", "data:image/png;base64," + Convert.ToBase64String(c.Png))),
            new XElement(Html + "figcaption", c.Caption)),
        _ => throw new ArgumentOutOfRangeException(nameof(block), block.GetType().Name, "Unknown block."),
    };
}

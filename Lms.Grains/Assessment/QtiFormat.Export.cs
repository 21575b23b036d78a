using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using AngleSharp.Html.Parser;
using AngleSharp.Xhtml;

namespace Lms.Grains.Assessment;

/// <summary>QTI 2.1 export: a content package of assessmentItem files (the import is in QtiFormat.cs).</summary>
public static partial class QtiFormat
{
    public sealed record ExportItem(Guid Id, QuestionMeta Meta, QuestionContent Content);

    /// <summary>A QTI 2.1 content package: imsmanifest.xml and one assessmentItem file per question.</summary>
    public static byte[] ExportPackage(IReadOnlyList<ExportItem> questions)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var resources = new XElement(Cp + "resources");
            foreach (var q in questions)
            {
                var file = $"items/q-{q.Id:N}.xml";
                var entry = zip.CreateEntry(file, CompressionLevel.Optimal);
                using (var stream = entry.Open())
                    ExportItemXml(q).Save(stream);
                resources.Add(new XElement(Cp + "resource",
                    new XAttribute("identifier", $"r-{q.Id:N}"), new XAttribute("type", "imsqti_item_xmlv2p1"), new XAttribute("href", file),
                    new XElement(Cp + "file", new XAttribute("href", file))));
            }
            var manifest = new XDocument(new XElement(Cp + "manifest",
                new XAttribute("identifier", "lms-export-" + Guid.NewGuid().ToString("N")),
                new XElement(Cp + "organizations"), resources));
            using var ms = zip.CreateEntry("imsmanifest.xml").Open();
            manifest.Save(ms);
        }
        return buffer.ToArray();
    }

    public static XDocument ExportItemXml(ExportItem q)
    {
        var c = q.Content;
        var item = new XElement(Ns + "assessmentItem",
            new XAttribute("identifier", $"q-{q.Id:N}"), new XAttribute("title", q.Meta.Title),
            new XAttribute("adaptive", "false"), new XAttribute("timeDependent", "false"));
        var body = new XElement(Ns + "itemBody");
        var processing = new XElement(Ns + "responseProcessing",
            new XAttribute("template", "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response"));
        static string Num(double x) => x.ToString("R", CultureInfo.InvariantCulture);

        XElement Declaration(string id, string cardinality, string baseType, IEnumerable<string> correct, IEnumerable<(string Key, double Value)>? map, bool caseSensitive = false)
        {
            var d = new XElement(Ns + "responseDeclaration", new XAttribute("identifier", id),
                new XAttribute("cardinality", cardinality), new XAttribute("baseType", baseType),
                new XElement(Ns + "correctResponse", correct.Select(v => new XElement(Ns + "value", v))));
            if (map is not null)
                d.Add(new XElement(Ns + "mapping", new XAttribute("defaultValue", "0"), cardinality == "single" ? null : new XAttribute("lowerBound", "0"),
                    map.Select(m => new XElement(Ns + "mapEntry", new XAttribute("mapKey", m.Key), new XAttribute("mappedValue", Num(m.Value)),
                        baseType == "string" ? new XAttribute("caseSensitive", caseSensitive ? "true" : "false") : null))));
            return d;
        }

        var declarations = new List<XElement>();
        var stemNodes = Xhtml(c.Stem);
        switch (c.Type)
        {
            case QuestionTypes.Single or QuestionTypes.Multiple:
            {
                var single = c.Type == QuestionTypes.Single;
                declarations.Add(Declaration("RESPONSE", single ? "single" : "multiple", "identifier",
                    c.Choices!.Where(x => single ? x.Fraction >= 0.999 : x.Fraction > 0).Select(x => x.Id), c.Choices!.Select(x => (x.Id, x.Fraction))));
                body.Add(stemNodes, new XElement(Ns + "choiceInteraction", new XAttribute("responseIdentifier", "RESPONSE"),
                    new XAttribute("shuffle", "true"), new XAttribute("maxChoices", single ? "1" : "0"),
                    c.Choices!.Select(x => new XElement(Ns + "simpleChoice", new XAttribute("identifier", x.Id), Xhtml(x.Text)))));
                break;
            }
            case QuestionTypes.TrueFalse:
                declarations.Add(Declaration("RESPONSE", "single", "identifier", [c.Correct == true ? "true" : "false"], null));
                body.Add(stemNodes, new XElement(Ns + "choiceInteraction", new XAttribute("responseIdentifier", "RESPONSE"),
                    new XAttribute("shuffle", "false"), new XAttribute("maxChoices", "1"),
                    new XElement(Ns + "simpleChoice", new XAttribute("identifier", "true"), "True"),
                    new XElement(Ns + "simpleChoice", new XAttribute("identifier", "false"), "False")));
                processing.SetAttributeValue("template", "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct");
                break;
            case QuestionTypes.Short:
                declarations.Add(Declaration("RESPONSE", "single", "string",
                    c.Accepted!.Where(a => a.Fraction >= 0.999).Select(a => a.Text).Take(1), c.Accepted!.Select(a => (a.Text, a.Fraction)), c.CaseSensitive));
                body.Add(stemNodes, new XElement(Ns + "p", new XElement(Ns + "textEntryInteraction", new XAttribute("responseIdentifier", "RESPONSE"))));
                break;
            case QuestionTypes.Numerical:
            {
                var best = c.Numbers!.OrderByDescending(n => n.Fraction).First();
                declarations.Add(Declaration("RESPONSE", "single", "float", [Num(best.Value)], null));
                body.Add(stemNodes, new XElement(Ns + "p", new XElement(Ns + "textEntryInteraction", new XAttribute("responseIdentifier", "RESPONSE"))));
                processing = NumericProcessing("RESPONSE", best.Tolerance);
                break;
            }
            case QuestionTypes.Matching:
            {
                var answers = c.Pairs!.Select(p => p.Answer).Concat(c.Distractors ?? []).Distinct().ToList();
                string AnswerId(string a) => "A" + (answers.IndexOf(a) + 1);
                declarations.Add(Declaration("RESPONSE", "multiple", "directedPair",
                    c.Pairs!.Select(p => $"{p.Id} {AnswerId(p.Answer)}"), c.Pairs!.Select(p => ($"{p.Id} {AnswerId(p.Answer)}", 1.0 / c.Pairs!.Count))));
                body.Add(stemNodes, new XElement(Ns + "matchInteraction", new XAttribute("responseIdentifier", "RESPONSE"),
                    new XAttribute("shuffle", "true"), new XAttribute("maxAssociations", c.Pairs!.Count),
                    new XElement(Ns + "simpleMatchSet", c.Pairs!.Select(p => new XElement(Ns + "simpleAssociableChoice",
                        new XAttribute("identifier", p.Id), new XAttribute("matchMax", "1"), Xhtml(p.Prompt)))),
                    new XElement(Ns + "simpleMatchSet", answers.Select(a => new XElement(Ns + "simpleAssociableChoice",
                        new XAttribute("identifier", AnswerId(a)), new XAttribute("matchMax", c.Pairs!.Count), a)))));
                break;
            }
            case QuestionTypes.Ordering:
                declarations.Add(Declaration("RESPONSE", "ordered", "identifier", c.Items!.Select(i => i.Id), null));
                body.Add(stemNodes, new XElement(Ns + "orderInteraction", new XAttribute("responseIdentifier", "RESPONSE"), new XAttribute("shuffle", "true"),
                    c.Items!.Select(i => new XElement(Ns + "simpleChoice", new XAttribute("identifier", i.Id), Xhtml(i.Text)))));
                processing.SetAttributeValue("template", "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct");
                break;
            case QuestionTypes.Cloze:
            {
                var html = c.Stem;
                foreach (var b in c.Blanks!)
                {
                    var rid = "RESPONSE_" + b.Id;
                    string gap;
                    if (b.Kind == BlankKinds.Choice)
                    {
                        declarations.Add(Declaration(rid, "single", "identifier", b.Choices!.Where(x => x.Fraction >= 0.999).Select(x => x.Id).Take(1), null));
                        gap = $"<inlineChoiceInteraction responseIdentifier=\"{rid}\" shuffle=\"true\">" +
                              string.Concat(b.Choices!.Select(x => $"<inlineChoice identifier=\"{x.Id}\">{Encode(StripTags(x.Text))}</inlineChoice>")) +
                              "</inlineChoiceInteraction>";
                    }
                    else if (b.Kind == BlankKinds.Numeric)
                    {
                        declarations.Add(Declaration(rid, "single", "float", [Num(b.Numbers![0].Value)], null));
                        gap = $"<textEntryInteraction responseIdentifier=\"{rid}\"/>";
                    }
                    else
                    {
                        declarations.Add(Declaration(rid, "single", "string", b.Accepted!.Take(1).Select(a => a.Text), b.Accepted!.Select(a => (a.Text, a.Fraction)), b.CaseSensitive));
                        gap = $"<textEntryInteraction responseIdentifier=\"{rid}\"/>";
                    }
                    html = html.Replace($"[[{b.Id}]]", $"\uE100{System.Convert.ToBase64String(Encoding.UTF8.GetBytes(gap))}\uE101");
                }
                body.Add(Xhtml(html).Select(RestoreGaps).SelectMany(n => n is XElement { Name.LocalName: "gapgroup" } g ? g.Nodes() : [n]));
                processing = new XElement(Ns + "responseProcessing"); // per-gap outcomes are left to the importing system
                break;
            }
            case QuestionTypes.Essay:
                declarations.Add(new XElement(Ns + "responseDeclaration", new XAttribute("identifier", "RESPONSE"),
                    new XAttribute("cardinality", "single"), new XAttribute("baseType", "string")));
                body.Add(stemNodes, new XElement(Ns + "extendedTextInteraction", new XAttribute("responseIdentifier", "RESPONSE")));
                processing = new XElement(Ns + "responseProcessing");
                break;
        }
        item.Add(declarations);
        item.Add(new XElement(Ns + "outcomeDeclaration", new XAttribute("identifier", "SCORE"),
            new XAttribute("cardinality", "single"), new XAttribute("baseType", "float")));
        item.Add(body);
        item.Add(processing);
        if (!string.IsNullOrWhiteSpace(c.GeneralFeedback))
            item.Add(new XElement(Ns + "modalFeedback", new XAttribute("outcomeIdentifier", "FEEDBACK"), new XAttribute("identifier", "general"),
                new XAttribute("showHide", "show"), Xhtml(c.GeneralFeedback)));
        return new XDocument(new XDeclaration("1.0", "UTF-8", null), item);
    }

    private static XElement NumericProcessing(string id, double tolerance) =>
        new(Ns + "responseProcessing",
            new XElement(Ns + "responseCondition",
                new XElement(Ns + "responseIf",
                    new XElement(Ns + "equal", new XAttribute("toleranceMode", "absolute"),
                        new XAttribute("tolerance", $"{tolerance.ToString("R", CultureInfo.InvariantCulture)} {tolerance.ToString("R", CultureInfo.InvariantCulture)}"),
                        new XElement(Ns + "variable", new XAttribute("identifier", id)),
                        new XElement(Ns + "correct", new XAttribute("identifier", id))),
                    new XElement(Ns + "setOutcomeValue", new XAttribute("identifier", "SCORE"),
                        new XElement(Ns + "baseValue", new XAttribute("baseType", "float"), "1")))));

    private static readonly HtmlParser HtmlParser = new();

    /// <summary>Our HTML as well-formed XHTML nodes in the QTI namespace (a bare text becomes a paragraph).</summary>
    private static IEnumerable<XNode> Xhtml(string html)
    {
        var document = HtmlParser.ParseDocument("<body>" + html + "</body>");
        using var writer = new StringWriter();
        document.Body!.ToHtml(writer, new XhtmlMarkupFormatter());
        var xhtml = writer.ToString();
        var element = XElement.Parse(xhtml);
        return Reparent(element).Nodes().ToList();
    }

    private static XElement Reparent(XElement e) =>
        new(Ns + e.Name.LocalName,
            e.Attributes().Where(a => !a.IsNamespaceDeclaration).Select(a => new XAttribute(a.Name.LocalName, a.Value)),
            e.Nodes().Select(n => n is XElement child ? (XNode)Reparent(child) : n is XText t ? new XText(t.Value) : null));

    private static XNode RestoreGaps(XNode node)
    {
        if (node is XText text && text.Value.Contains('\uE100')) return ReplaceGaps(text.Value);
        if (node is XElement e)
            return new XElement(e.Name, e.Attributes(), e.Nodes().Select(RestoreGaps).SelectMany(n => n is XElement { Name.LocalName: "gapgroup" } g ? g.Nodes() : [n]));
        return node;
    }

    private static XNode ReplaceGaps(string value)
    {
        var group = new XElement("gapgroup");
        var rest = value;
        while (rest.IndexOf('\uE100') is var start and >= 0)
        {
            var end = rest.IndexOf('\uE101', start);
            group.Add(new XText(rest[..start]));
            var gap = Encoding.UTF8.GetString(System.Convert.FromBase64String(rest[(start + 1)..end]));
            group.Add(Reparent(XElement.Parse(gap)));
            rest = rest[(end + 1)..];
        }
        group.Add(new XText(rest));
        return group;
    }

    private static string StripTags(string html) => System.Text.RegularExpressions.Regex.Replace(html, "<[^>]*>", "");
}

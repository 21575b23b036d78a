using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Lms.Grains.Assessment;

/// <summary>
/// IMS QTI 2.1 <c>assessmentItem</c>s: imported from one item file or from a content package (a zip
/// with imsmanifest.xml), exported as a content package. Interactions: choice (single, multiple,
/// true/false), textEntry (short answer, numerical; several, or with inlineChoice, as cloze),
/// match, order, extendedText (essay).
/// </summary>
public static partial class QtiFormat
{
    public static readonly XNamespace Ns = "http://www.imsglobal.org/xsd/imsqti_v2p1";
    private static readonly XNamespace Cp = "http://www.imsglobal.org/xsd/imscp_v1p1";

    // ---------- import ----------

    private static QuestionFormatException Invalid(string code, string message, params (string Name, string Value)[] args) =>
        new(code, message, args.ToDictionary(a => a.Name, a => a.Value));

    public static ImportResult Parse(byte[] file, QtiLimits? limits = null)
    {
        var problems = new List<ImportProblem>();
        var questions = new List<QuestionDraft>();
        List<(string Name, string Xml)> items;
        try
        {
            items = IsZip(file) ? FromPackage(file, limits ?? new QtiLimits()) : [("item", Decode(file))];
        }
        catch (QtiPackageException e)
        {
            return new ImportResult([], [new ImportProblem(0, "", e.Message, e.Code, e.Args)]);
        }
        catch (QuestionFormatException e)
        {
            return new ImportResult([], [new ImportProblem(0, "", "the file is neither a QTI item nor a QTI package: " + e.Message, e.Code, e.Args)]);
        }
        catch (Exception e) when (e is InvalidDataException or XmlException or FormatException)
        {
            // The reader's own message (of .NET's XML or zip reader) stays as it is, in English, as its detail.
            return new ImportResult([], [new ImportProblem(0, "", "the file is neither a QTI item nor a QTI package: " + e.Message,
                "qti-unreadable", new Dictionary<string, string> { ["detail"] = e.Message })]);
        }
        var number = 0;
        foreach (var (name, xml) in items)
        {
            number++;
            var label = name;
            try
            {
                var doc = XDocument.Parse(xml);
                var root = doc.Root ?? throw Invalid("qti-empty", "the file is empty");
                if (root.Name.LocalName != "assessmentItem") throw Invalid("qti-not-an-item", $"<{root.Name.LocalName}> is not an assessmentItem", ("element", root.Name.LocalName));
                label = (string?)root.Attribute("title") ?? (string?)root.Attribute("identifier") ?? name;
                var draft = ParseItem(root);
                var content = QuestionRules.Normalise(draft.Content);
                var issues = QuestionRules.Issues(content);
                if (issues.Count > 0) problems.AddRange(ImportProblem.Of(number, label, issues));
                else questions.Add(draft with { Content = content });
            }
            catch (QuestionFormatException e)
            {
                problems.Add(new ImportProblem(number, label, e.Message, e.Code, e.Args));
            }
            catch (Exception e) when (e is XmlException or FormatException)
            {
                problems.Add(new ImportProblem(number, label, e.Message, "qti-unreadable", new Dictionary<string, string> { ["detail"] = e.Message }));
            }
        }
        if (number == 0) problems.Add(new ImportProblem(0, "", "the package has no assessment items", "qti-no-items"));
        return new ImportResult(problems.Count == 0 ? questions : [], problems);
    }

    /// <summary>
    /// The number of entries the end of central directory record declares (ZIP64 archives, which say 0xFFFF there,
    /// count as that many): found by its signature within the last 64 KB, as the format places it.
    /// </summary>
    private static int DeclaredEntries(byte[] file)
    {
        for (var i = file.Length - 22; i >= Math.Max(0, file.Length - 22 - 65_535); i--)
        {
            if (file[i] == 0x50 && file[i + 1] == 0x4B && file[i + 2] == 0x05 && file[i + 3] == 0x06)
                return BitConverter.ToUInt16(file, i + 10);
        }
        return 0;
    }

    private static bool IsZip(byte[] file) => file.Length > 4 && file[0] == 'P' && file[1] == 'K';

    private static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static List<(string, string)> FromPackage(byte[] file, QtiLimits limits)
    {
        // Counted from the archive's end record before the archive is opened: listing a million tiny entries is itself the attack.
        var declared = DeclaredEntries(file);
        QtiPackageException TooManyEntries(long count) => new("package-too-many-entries",
            $"the package holds {count} files; at most {limits.MaxEntries} are read",
            new Dictionary<string, string> { ["count"] = count.ToString(CultureInfo.InvariantCulture), ["max"] = limits.MaxEntries.ToString(CultureInfo.InvariantCulture) });
        if (declared > limits.MaxEntries) throw TooManyEntries(declared);
        using var zip = new ZipArchive(new MemoryStream(file), ZipArchiveMode.Read);
        if (zip.Entries.Count > limits.MaxEntries) throw TooManyEntries(zip.Entries.Count);
        var manifest = zip.GetEntry("imsmanifest.xml");
        IEnumerable<string> hrefs;
        if (manifest is not null)
        {
            var manifestTooLarge = new QtiPackageException("manifest-too-large",
                $"imsmanifest.xml is larger than {limits.MaxManifestBytes} bytes",
                new Dictionary<string, string> { ["max"] = limits.MaxManifestBytes.ToString(CultureInfo.InvariantCulture) });
            if (manifest.Length > limits.MaxManifestBytes) throw manifestTooLarge;
            using var bounded = new MemoryStream();
            using (var stream = manifest.Open())
            {
                // The declared size is the archive's word: read no more than the limit whatever it says.
                var buffer = new byte[81920];
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    if (bounded.Length + read > limits.MaxManifestBytes) throw manifestTooLarge;
                    bounded.Write(buffer, 0, read);
                }
            }
            bounded.Position = 0;
            var doc = XDocument.Load(bounded);
            hrefs = doc.Descendants().Where(e => e.Name.LocalName == "resource"
                                                 && ((string?)e.Attribute("type") ?? "").StartsWith("imsqti_item", StringComparison.Ordinal))
                .Select(e => (string?)e.Attribute("href") ?? "").Where(h => h.Length > 0).ToList();
        }
        else
        {
            hrefs = zip.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)).Select(e => e.FullName).ToList();
        }
        var items = new List<(string, string)>();
        foreach (var href in hrefs)
        {
            var entry = zip.GetEntry(href) ?? throw Invalid("qti-file-missing", $"the manifest names {href}, which is not in the package", ("file", href));
            if (entry.Length > limits.MaxItemBytes) throw Invalid("qti-file-too-large", $"{href} is too large", ("file", href));
            using var stream = entry.Open();
            using var reader = new StreamReader(stream, Encoding.UTF8, true);
            items.Add((href, reader.ReadToEnd()));
        }
        return items;
    }

    private sealed record Declaration(string Cardinality, string BaseType, List<string> Correct, List<(string Key, double Value, bool CaseSensitive)> Map);

    private static QuestionDraft ParseItem(XElement item)
    {
        var declarations = item.Elements(Ns + "responseDeclaration").ToDictionary(
            d => (string?)d.Attribute("identifier") ?? "",
            d => new Declaration(
                (string?)d.Attribute("cardinality") ?? "single",
                (string?)d.Attribute("baseType") ?? "identifier",
                d.Element(Ns + "correctResponse")?.Elements(Ns + "value").Select(v => v.Value.Trim()).ToList() ?? [],
                d.Element(Ns + "mapping")?.Elements(Ns + "mapEntry").Select(m => (
                    (string?)m.Attribute("mapKey") ?? "",
                    double.Parse((string?)m.Attribute("mappedValue") ?? "0", CultureInfo.InvariantCulture),
                    ((string?)m.Attribute("caseSensitive") ?? "false") == "true")).ToList() ?? []));
        var body = item.Element(Ns + "itemBody") ?? throw Invalid("qti-no-item-body", "the item has no itemBody");
        string[] known = ["choiceInteraction", "textEntryInteraction", "inlineChoiceInteraction", "matchInteraction", "orderInteraction", "extendedTextInteraction"];
        var interactions = body.Descendants().Where(e => e.Name.LocalName.EndsWith("Interaction", StringComparison.Ordinal)).ToList();
        if (interactions.Count == 0) throw Invalid("qti-no-interaction", "the item has no interaction");
        if (interactions.FirstOrDefault(i => !known.Contains(i.Name.LocalName)) is { } unknown)
            throw Invalid("qti-unsupported", $"{unknown.Name.LocalName} is not supported", ("element", unknown.Name.LocalName));
        var title = (string?)item.Attribute("title") ?? (string?)item.Attribute("identifier") ?? "QTI";
        var feedback = string.Join("", item.Elements(Ns + "modalFeedback").Select(f => InnerHtml(f)));
        var meta = new QuestionMeta { Title = title.Length > 200 ? title[..200] : title };

        Declaration Decl(XElement interaction)
        {
            var id = (string?)interaction.Attribute("responseIdentifier") ?? "";
            return declarations.TryGetValue(id, out var d) ? d : throw Invalid("qti-no-response-declaration", $"no responseDeclaration for {id}", ("id", id));
        }

        QuestionContent content;
        var blanks = interactions.Where(i => i.Name.LocalName is "textEntryInteraction" or "inlineChoiceInteraction").ToList();
        if (blanks.Count > 1 || interactions.Any(i => i.Name.LocalName == "inlineChoiceInteraction"))
        {
            if (blanks.Count != interactions.Count) throw Invalid("qti-cloze-mixed", "a cloze item mixes gaps with other interactions");
            var list = new List<Blank>();
            var copy = new XElement(body);
            var copies = copy.Descendants().Where(e => e.Name.LocalName is "textEntryInteraction" or "inlineChoiceInteraction").ToList();
            for (var i = 0; i < blanks.Count; i++)
            {
                var id = (i + 1).ToString(CultureInfo.InvariantCulture);
                var d = Decl(blanks[i]);
                if (blanks[i].Name.LocalName == "inlineChoiceInteraction")
                {
                    var right = d.Correct.FirstOrDefault() ?? throw Invalid("qti-gap-no-answer", $"gap {id} has no correctResponse", ("id", id));
                    list.Add(new Blank
                    {
                        Id = id, Kind = BlankKinds.Choice,
                        Choices = blanks[i].Elements(Ns + "inlineChoice").Select(c => new Choice
                        {
                            Id = (string?)c.Attribute("identifier") ?? "", Text = InnerHtml(c), Fraction = (string?)c.Attribute("identifier") == right ? 1 : 0,
                        }).ToList(),
                    });
                }
                else list.Add(TextBlank(id, d, item));
                copies[i].ReplaceWith(new XText($"[[{id}]]"));
            }
            content = new QuestionContent { Type = QuestionTypes.Cloze, Stem = InnerHtml(copy), Blanks = list };
        }
        else
        {
            if (interactions.Count > 1) throw Invalid("qti-several-interactions", "an item with several interactions is supported only as fill-in-the-blanks");
            var interaction = interactions[0];
            var d = Decl(interaction);
            var prompt = interaction.Element(Ns + "prompt");
            var copy = new XElement(body);
            copy.Descendants().First(e => e.Name.LocalName == interaction.Name.LocalName).Remove();
            var stem = InnerHtml(copy) + (prompt is null ? "" : $"<p>{InnerHtml(prompt)}</p>");
            content = interaction.Name.LocalName switch
            {
                "choiceInteraction" => ChoiceContent(interaction, d, stem),
                "textEntryInteraction" => TextContent(d, stem, item),
                "matchInteraction" => MatchContent(interaction, d, stem),
                "orderInteraction" => new QuestionContent
                {
                    Type = QuestionTypes.Ordering, Stem = stem,
                    Items = (d.Correct.Count > 0 ? d.Correct : throw Invalid("qti-order-no-answer", "the order has no correctResponse"))
                        .Select(id => new OrderItem
                        {
                            Id = id,
                            Text = InnerHtml(interaction.Elements(Ns + "simpleChoice").FirstOrDefault(c => (string?)c.Attribute("identifier") == id)
                                             ?? throw Invalid("qti-order-unknown-choice", $"the correct order names {id}, which is not a choice", ("id", id))),
                        }).ToList(),
                },
                "extendedTextInteraction" => new QuestionContent { Type = QuestionTypes.Essay, Stem = stem },
                _ => throw Invalid("qti-unsupported", $"{interaction.Name.LocalName} is not supported", ("element", interaction.Name.LocalName)),
            };
        }
        return new QuestionDraft(meta, content with { GeneralFeedback = feedback.Length > 0 ? feedback : null });
    }

    private static QuestionContent ChoiceContent(XElement interaction, Declaration d, string stem)
    {
        var choices = interaction.Elements(Ns + "simpleChoice").Select(c => ((string?)c.Attribute("identifier") ?? "", InnerHtml(c))).ToList();
        if (choices.Count == 0) throw Invalid("qti-no-choices", "the choice interaction has no simpleChoice");
        var ids = choices.Select(c => c.Item1).ToHashSet();
        foreach (var v in d.Correct.Concat(d.Map.Select(m => m.Key)))
            if (!ids.Contains(v)) throw Invalid("qti-unknown-choice", $"the response names {v}, which is not a choice", ("id", v));
        var maxChoices = int.Parse((string?)interaction.Attribute("maxChoices") ?? "1", CultureInfo.InvariantCulture);
        var single = maxChoices == 1 && d.Cardinality == "single";
        if (d.Correct.Count == 0 && !d.Map.Any(m => m.Value > 0)) throw Invalid("qti-no-correct-choice", "no choice is marked correct");
        if (single && choices.Count == 2 && ids.SetEquals(["true", "false"]))
            return new QuestionContent { Type = QuestionTypes.TrueFalse, Stem = stem, Correct = d.Correct.FirstOrDefault() == "true" };
        double Fraction(string id)
        {
            if (d.Map.Count > 0)
            {
                var max = single ? d.Map.Max(m => m.Value) : d.Map.Where(m => m.Value > 0).Sum(m => m.Value);
                var entry = d.Map.FirstOrDefault(m => m.Key == id);
                return max <= 0 ? 0 : Math.Clamp(entry.Value / max, -1, 1);
            }
            return d.Correct.Contains(id) ? 1 : 0;
        }
        return new QuestionContent
        {
            Type = single ? QuestionTypes.Single : QuestionTypes.Multiple, Stem = stem,
            Choices = choices.Select(c => new Choice { Id = c.Item1, Text = c.Item2, Fraction = Fraction(c.Item1) }).ToList(),
        };
    }

    private static bool IsNumeric(Declaration d) => d.BaseType is "float" or "integer";

    private static double Tolerance(XElement item)
    {
        var equal = item.Descendants(Ns + "equal").FirstOrDefault(e => (string?)e.Attribute("toleranceMode") == "absolute");
        var t = ((string?)equal?.Attribute("tolerance"))?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return t is null ? 0 : double.Parse(t, CultureInfo.InvariantCulture);
    }

    private static QuestionContent TextContent(Declaration d, string stem, XElement item)
    {
        var blank = TextBlank("1", d, item);
        return blank.Kind == BlankKinds.Numeric
            ? new QuestionContent { Type = QuestionTypes.Numerical, Stem = stem, Numbers = blank.Numbers }
            : new QuestionContent { Type = QuestionTypes.Short, Stem = stem, Accepted = blank.Accepted, CaseSensitive = blank.CaseSensitive };
    }

    private static Blank TextBlank(string id, Declaration d, XElement item)
    {
        if (d.Correct.Count == 0 && d.Map.Count == 0) throw Invalid("qti-text-entry-no-answer", $"the text entry {id} has no correctResponse", ("id", id));
        if (IsNumeric(d))
        {
            var tolerance = Tolerance(item);
            var numbers = d.Correct.Select(v => new NumericAnswer
            {
                Value = double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : throw Invalid("not-a-number", $"\"{v}\" is not a number", ("value", v)),
                Tolerance = tolerance,
            }).ToList();
            return new Blank { Id = id, Kind = BlankKinds.Numeric, Numbers = numbers };
        }
        var max = d.Map.Count > 0 ? d.Map.Max(m => m.Value) : 1;
        var accepted = d.Correct.Select(v => new AcceptedAnswer { Text = v, Fraction = 1 })
            .Concat(d.Map.Where(m => !d.Correct.Contains(m.Key) && m.Value > 0).Select(m => new AcceptedAnswer { Text = m.Key, Fraction = max > 0 ? m.Value / max : 0 }))
            .ToList();
        return new Blank { Id = id, Kind = BlankKinds.Text, Accepted = accepted, CaseSensitive = d.Map.Any(m => m.CaseSensitive) };
    }

    private static QuestionContent MatchContent(XElement interaction, Declaration d, string stem)
    {
        var sets = interaction.Elements(Ns + "simpleMatchSet").ToList();
        if (sets.Count != 2) throw Invalid("qti-match-sets", "a match interaction needs two simpleMatchSets");
        var prompts = sets[0].Elements(Ns + "simpleAssociableChoice").ToDictionary(c => (string?)c.Attribute("identifier") ?? "", c => InnerHtml(c));
        var answers = sets[1].Elements(Ns + "simpleAssociableChoice").ToDictionary(c => (string?)c.Attribute("identifier") ?? "", c => PlainText(c));
        var pairs = new List<MatchPair>();
        foreach (var value in d.Correct)
        {
            var ab = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (ab.Length != 2 || !prompts.TryGetValue(ab[0], out var prompt) || !answers.TryGetValue(ab[1], out var answer))
                throw Invalid("qti-pair-unknown", $"the correct pair \"{value}\" does not name a prompt and an answer", ("value", value));
            pairs.Add(new MatchPair { Id = ab[0], Prompt = prompt, Answer = answer });
        }
        if (pairs.Count == 0) throw Invalid("qti-match-no-answer", "the match has no correctResponse");
        var used = pairs.Select(p => p.Answer).ToHashSet();
        return new QuestionContent
        {
            Type = QuestionTypes.Matching, Stem = stem, Pairs = pairs,
            Distractors = answers.Values.Where(a => !used.Contains(a)).Distinct().ToList(),
        };
    }

    /// <summary>An element's content as HTML: QTI's XHTML without its namespace.</summary>
    private static string InnerHtml(XElement element)
    {
        var sb = new StringBuilder();
        foreach (var node in element.Nodes()) Write(node, sb);
        return sb.ToString().Trim();
    }

    private static void Write(XNode node, StringBuilder sb)
    {
        switch (node)
        {
            case XText text:
                sb.Append(Encode(text.Value));
                break;
            case XElement e when e.Name.LocalName.EndsWith("Interaction", StringComparison.Ordinal) || e.Name.LocalName == "prompt":
                break;
            case XElement e:
                var name = e.Name.LocalName;
                sb.Append('<').Append(name);
                foreach (var a in e.Attributes().Where(a => !a.IsNamespaceDeclaration))
                    sb.Append(' ').Append(a.Name.LocalName).Append("=\"").Append(Encode(a.Value)).Append('"');
                if (name is "br" or "img" or "hr") { sb.Append('>'); break; }
                sb.Append('>');
                foreach (var child in e.Nodes()) Write(child, sb);
                sb.Append("</").Append(name).Append('>');
                break;
        }
    }

    private static string Encode(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    private static string PlainText(XElement e) => string.Concat(e.DescendantNodes().OfType<XText>().Select(t => t.Value)).Trim();
}

/// <summary>What a QTI package may hold before it is refused: its files, its manifest's size, each item's size.</summary>
public sealed class QtiLimits
{
    public int MaxEntries { get; set; } = 1_000;
    public long MaxManifestBytes { get; set; } = 1_000_000;
    public long MaxItemBytes { get; set; } = 5_000_000;
}

/// <summary>A QTI package refused as a whole: a stable code and its parameters beside the English message.</summary>
public sealed class QtiPackageException(string code, string message, IReadOnlyDictionary<string, string> args)
    : QuestionFormatException(code, message, args);

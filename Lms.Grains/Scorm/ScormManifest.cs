using System.Xml;
using System.Xml.Linq;

namespace Lms.Grains.Scorm;

public static class ScormVersions
{
    public const string Scorm12 = "1.2";
    public const string Scorm2004 = "2004";
}

/// <summary>
/// One item of an organisation that launches something: a SCO (it talks to the runtime API) or an asset (a page
/// that does not). <paramref name="Href"/> is the file's path in the package (xml:base applied, no query);
/// <paramref name="Parameters"/> the query the manifest adds to it.
/// </summary>
public sealed record ScormLaunchable(string Identifier, string Title, string Href, string? Parameters, bool IsSco,
    string? LaunchData, double? MasteryScore);

/// <summary>What an imsmanifest.xml says: the SCORM version, the default organisation's title and its launchable items in order.</summary>
public sealed record ScormManifest(string Version, string? Edition, string Title, IReadOnlyList<ScormLaunchable> Launchables)
{
    public int EntryCount { get; init; }
    public long UnpackedBytes { get; init; }

    private static readonly XmlReaderSettings Safe = new()
    {
        // No DTDs and no external entities: the manifest is untrusted.
        DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 10_000_000,
    };

    public static ScormManifest Parse(Stream stream)
    {
        XDocument doc;
        try
        {
            using var reader = XmlReader.Create(stream, Safe);
            doc = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new ScormRefusal("scorm-bad-manifest", "imsmanifest.xml is not well-formed XML: " + e.Message);
        }
        var manifest = doc.Root;
        if (manifest is null || manifest.Name.LocalName != "manifest")
            throw new ScormRefusal("scorm-bad-manifest", "imsmanifest.xml has no <manifest> root.");
        var (version, edition) = VersionOf(manifest);

        var organizations = Child(manifest, "organizations")
                            ?? throw new ScormRefusal("scorm-bad-manifest", "imsmanifest.xml has no <organizations>.");
        var orgs = Children(organizations, "organization").ToList();
        var defaultId = (string?)organizations.Attribute("default");
        var org = orgs.FirstOrDefault(o => (string?)o.Attribute("identifier") == defaultId) ?? orgs.FirstOrDefault()
                  ?? throw new ScormRefusal("scorm-no-organization", "imsmanifest.xml has no organisation.");

        var resources = Child(manifest, "resources");
        var resourcesBase = (string?)resources?.Attribute(XNamespace.Xml + "base") ?? "";
        var byId = (resources is null ? [] : Children(resources, "resource"))
            .Where(r => r.Attribute("identifier") is not null)
            .GroupBy(r => (string)r.Attribute("identifier")!)
            .ToDictionary(g => g.Key, g => g.First());

        var launchables = new List<ScormLaunchable>();
        foreach (var item in org.Descendants().Where(e => e.Name.LocalName == "item"))
        {
            var reference = (string?)item.Attribute("identifierref");
            if (reference is null) continue; // a folder of the organisation's tree
            if (!byId.TryGetValue(reference, out var resource))
                throw new ScormRefusal("scorm-bad-manifest", $"Item {(string?)item.Attribute("identifier")} names resource {reference}, which the manifest does not have.", reference);
            var href = (string?)resource.Attribute("href");
            if (string.IsNullOrWhiteSpace(href)) continue;
            if (Uri.TryCreate(href, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
                throw new ScormRefusal("scorm-external-launch", $"{href} is outside the package; Lms plays packaged content only.", href);
            var resourceBase = (string?)resource.Attribute(XNamespace.Xml + "base") ?? "";
            var combined = resourcesBase + resourceBase + href;
            var query = combined.IndexOfAny(['?', '#']);
            var path = Uri.UnescapeDataString(query < 0 ? combined : combined[..query]);
            var parameters = (query < 0 ? "" : combined[query..]) + ((string?)item.Attribute("parameters") ?? "");
            var scormType = resource.Attributes().FirstOrDefault(a => a.Name.LocalName.Equals("scormtype", StringComparison.OrdinalIgnoreCase))?.Value;
            var title = Child(item, "title")?.Value.Trim();
            var mastery = ChildByName(item, "masteryscore")?.Value;
            launchables.Add(new ScormLaunchable(
                (string?)item.Attribute("identifier") ?? reference,
                string.IsNullOrWhiteSpace(title) ? path : title,
                ScormPackageReader.SafeName(path, new ScormLimits()),
                parameters.Length == 0 ? null : parameters,
                string.Equals(scormType, "sco", StringComparison.OrdinalIgnoreCase),
                ChildByName(item, "datafromlms")?.Value,
                double.TryParse(mastery, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var m) ? m : null));
        }
        if (launchables.Count == 0)
            throw new ScormRefusal("scorm-no-launchable", "The default organisation launches nothing.");
        if (launchables.Select(l => l.Identifier).Distinct().Count() != launchables.Count)
            throw new ScormRefusal("scorm-bad-manifest", "Two items of the organisation have the same identifier.");
        var orgTitle = Child(org, "title")?.Value.Trim();
        return new ScormManifest(version, edition, string.IsNullOrWhiteSpace(orgTitle) ? launchables[0].Title : orgTitle, launchables);
    }

    /// <summary>From metadata/schemaversion, else from the namespace of the ADL extensions the manifest declares.</summary>
    private static (string Version, string? Edition) VersionOf(XElement manifest)
    {
        var schemaVersion = Child(Child(manifest, "metadata"), "schemaversion")?.Value.Trim() ?? "";
        if (schemaVersion == "1.2") return (ScormVersions.Scorm12, null);
        if (schemaVersion.StartsWith("2004", StringComparison.Ordinal) || schemaVersion == "CAM 1.3")
            return (ScormVersions.Scorm2004, schemaVersion);
        var namespaces = manifest.DescendantsAndSelf().SelectMany(e => e.Attributes()).Where(a => a.IsNamespaceDeclaration).Select(a => a.Value).ToList();
        if (namespaces.Any(n => n.Contains("adlcp_v1p3", StringComparison.OrdinalIgnoreCase))) return (ScormVersions.Scorm2004, null);
        if (namespaces.Any(n => n.Contains("adlcp_rootv1p2", StringComparison.OrdinalIgnoreCase))) return (ScormVersions.Scorm12, null);
        throw new ScormRefusal("scorm-unknown-version", "The manifest is neither SCORM 1.2 nor SCORM 2004.", schemaVersion);
    }

    private static XElement? Child(XElement? parent, string localName) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    private static XElement? ChildByName(XElement parent, string localName) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName.Equals(localName, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<XElement> Children(XElement parent, string localName) =>
        parent.Elements().Where(e => e.Name.LocalName == localName);
}

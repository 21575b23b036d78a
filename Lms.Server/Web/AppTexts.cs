using System.Collections.Frozen;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Server.Communication.Mail;

namespace Lms.Server.Web;

/// <summary>
/// The web app's own translations (Lms.Web/src/i18n/{vi,en}/*.json, built into the server), so that a page the
/// server renders says exactly what the app says when it takes over. Keys are the app's (<c>signIn.title</c>),
/// <c>{{name}}</c> placeholders are filled in the same way; Vietnamese is the default.
/// </summary>
public sealed partial class AppTexts
{
    public const string LanguageCookie = "lms.lang";
    public static readonly string[] Languages = ["vi", "en"];

    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _texts;

    public AppTexts()
    {
        var assembly = typeof(AppTexts).Assembly;
        var texts = new Dictionary<string, FrozenDictionary<string, string>>();
        foreach (var language in Languages)
        {
            var flat = new Dictionary<string, string>(StringComparer.Ordinal);
            var prefix = $"Lms.I18n.{language}.";
            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order())
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var document = JsonDocument.Parse(stream);
                Flatten(document.RootElement, "", flat);
            }
            texts[language] = flat.ToFrozenDictionary();
        }
        _texts = texts.ToFrozenDictionary();
    }

    /// <summary>The text of <paramref name="key"/> in <paramref name="language"/> (else Vietnamese, else the key itself).</summary>
    public string T(string language, string key, params (string Name, string Value)[] values)
    {
        var text = _texts.GetValueOrDefault(language)?.GetValueOrDefault(key) ?? _texts["vi"].GetValueOrDefault(key) ?? key;
        return values.Length == 0 ? text : Placeholder().Replace(text, m =>
            values.FirstOrDefault(v => v.Name == m.Groups[1].Value) is { Name: not null } v ? v.Value : m.Value);
    }

    /// <summary>
    /// The language the person chose in the app (the app keeps it in a cookie too), else the first of ours their
    /// browser asks for, else Vietnamese.
    /// </summary>
    public static string LanguageOf(HttpRequest request) =>
        Mailer.LanguageOf(request.Cookies.TryGetValue(LanguageCookie, out var chosen) ? chosen : null, request);

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string> into)
    {
        if (element.ValueKind == JsonValueKind.Object)
            foreach (var property in element.EnumerateObject())
                Flatten(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}", into);
        else if (element.ValueKind == JsonValueKind.String)
            into[prefix] = element.GetString()!;
    }

    [GeneratedRegex(@"\{\{\s*(\w+)\s*\}\}")]
    private static partial Regex Placeholder();
}

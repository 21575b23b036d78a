using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Lms.Server.Communication.Mail;

namespace Lms.Server.Exports;

/// <summary>
/// The viewer's language for a file they download: its words (Texts/{vi,en}.json), and how Excel set up for
/// that language reads a CSV file. Vietnamese Excel (Windows' vi-VN region) separates fields with a semicolon
/// and decimals with a comma; English uses a comma and a point.
/// </summary>
public sealed class ExportLanguage
{
    public static readonly ExportLanguage Vietnamese = new("vi", ';', ",");
    public static readonly ExportLanguage English = new("en", ',', ".");

    private static readonly FrozenDictionary<string, FrozenDictionary<string, string>> Texts =
        new[] { "vi", "en" }.ToFrozenDictionary(code => code, Load);

    private ExportLanguage(string code, char separator, string decimalSeparator)
    {
        Code = code;
        Separator = separator;
        Numbers = new NumberFormatInfo { NumberDecimalSeparator = decimalSeparator, NegativeSign = "-", NumberGroupSeparator = "" };
    }

    public string Code { get; }

    /// <summary>The CSV field separator Excel expects in this language.</summary>
    public char Separator { get; }

    /// <summary>How numbers are written in a CSV file in this language (no thousands separator: Excel reads them back as numbers).</summary>
    public NumberFormatInfo Numbers { get; }

    /// <summary>The language asked for (<c>?language=vi|en</c>, as the web app sends its own), else Accept-Language, else Vietnamese.</summary>
    public static ExportLanguage Of(HttpRequest request) =>
        Mailer.LanguageOf(request.Query["language"].FirstOrDefault(), request) == "en" ? English : Vietnamese;

    /// <summary>The text for a key, with <c>{name}</c> placeholders filled in.</summary>
    public string Text(string key, params (string Name, string Value)[] values)
    {
        var text = Texts[Code].GetValueOrDefault(key) ?? Texts["vi"].GetValueOrDefault(key)
                   ?? throw new KeyNotFoundException($"No export text {key}.");
        return values.Aggregate(text, (t, v) => t.Replace("{" + v.Name + "}", v.Value));
    }

    public string Number(double value) => value.ToString("0.##", Numbers);

    private static FrozenDictionary<string, string> Load(string code)
    {
        using var stream = typeof(ExportLanguage).Assembly.GetManifestResourceStream($"Lms.Exports.{code}.json")
                           ?? throw new InvalidOperationException($"No export texts for {code}.");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(stream)!.ToFrozenDictionary();
    }
}

using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Lms.Server.Communication.Mail;

/// <summary>The messages the platform sends; each has a translated subject and body in Texts/{vi,en}.json.</summary>
public static class MailKinds
{
    public const string ConfirmEmail = "confirm-email";
    public const string SignUpExisting = "sign-up-existing";
    public const string Invitation = "invitation";
    public const string PasswordReset = "password-reset";
}

/// <summary>Builds a translated message and puts it in the outbox.</summary>
public sealed class Mailer(MailOutbox outbox, IOptions<MailOptions> options, IServer server)
{
    public static readonly IReadOnlyList<string> Languages = ["vi", "en"];

    private static readonly FrozenDictionary<string, Dictionary<string, MailText>> Texts =
        Languages.ToFrozenDictionary(language => language, Load);

    private sealed record MailText(string Subject, string Body);

    private static Dictionary<string, MailText> Load(string language)
    {
        using var stream = typeof(Mailer).Assembly.GetManifestResourceStream($"Lms.Mail.{language}.json")
                           ?? throw new InvalidOperationException($"No mail texts for {language}.");
        return JsonSerializer.Deserialize<Dictionary<string, MailText>>(stream, JsonSerializerOptions.Web)!;
    }

    /// <summary>
    /// The language asked for when it is one we have, else the browser's most preferred one we have (Accept-Language,
    /// by quality), else Vietnamese. The one rule for mail, exported files and the pages the server renders.
    /// </summary>
    public static string LanguageOf(string? requested, HttpRequest? request = null)
    {
        if (requested is not null && Languages.Contains(requested)) return requested;
        var asked = request?.GetTypedHeaders().AcceptLanguage
            .Where(l => (l.Quality ?? 1) > 0).OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value?.Split('-')[0].ToLowerInvariant()) ?? [];
        return asked.FirstOrDefault(l => l is not null && Languages.Contains(l)) ?? "vi";
    }

    /// <summary>An absolute link into the web app at the configured public address.</summary>
    public string Link(string pathAndQuery)
    {
        var root = options.Value.PublicUrl
                   ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                   ?? "http://127.0.0.1:5000";
        return root.TrimEnd('/') + pathAndQuery;
    }

    public async Task SendAsync(
        string to, string toName, string kind, string language, IReadOnlyDictionary<string, string> values,
        CancellationToken cancellationToken = default)
    {
        var text = Texts[Languages.Contains(language) ? language : "vi"][kind];
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.Value.From));
        message.To.Add(new MailboxAddress(toName, to));
        message.Subject = Fill(text.Subject, values);
        message.Date = DateTimeOffset.UtcNow;
        message.Body = new TextPart("plain") { Text = Fill(text.Body, values) };
        message.Headers.Add("X-Lms-Kind", kind);
        await outbox.EnqueueAsync(message, cancellationToken);
    }

    /// <summary>A message's subject alone, in the language given: the title of the same notice sent another way (Web Push).</summary>
    public static string Subject(string kind, string language, IReadOnlyDictionary<string, string> values) =>
        Fill(Texts[Languages.Contains(language) ? language : "vi"][kind].Subject, values);

    /// <summary>A text's body alone, in the language given: a part another message is made of (a line of a digest).</summary>
    public static string Body(string kind, string language, IReadOnlyDictionary<string, string> values) =>
        Fill(Texts[Languages.Contains(language) ? language : "vi"][kind].Body, values);

    private static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        values.Aggregate(template, (text, pair) => text.Replace("{" + pair.Key + "}", pair.Value));
}

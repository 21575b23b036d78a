namespace Lms.Server.Communication.Mail;

/// <summary>
/// <c>Mail:*</c>. With no <c>Mail:Smtp:Host</c>, messages stay in the outbox folder under the
/// data folder (a newcomer's <c>./build.sh run</c> needs no mail server) and a platform admin
/// reads them on the outbox page.
/// </summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>The sender every message carries.</summary>
    public string From { get; set; } = "Lms <no-reply@lms.local>";

    /// <summary>
    /// The address people open the links in mail at (https://lms.example.edu.vn). Unset: the
    /// server's own first listening address. Never taken from a request's Host header, which a
    /// stranger chooses.
    /// </summary>
    public string? PublicUrl { get; set; }

    public SmtpOptions Smtp { get; set; } = new();
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? User { get; set; }
    public string? Password { get; set; }

    /// <summary>auto (STARTTLS when offered), starttls, ssl (implicit TLS, port 465) or none.</summary>
    public string Security { get; set; } = "auto";

    public bool Configured => !string.IsNullOrWhiteSpace(Host);
}

using Microsoft.AspNetCore.DataProtection;

namespace Lms.Server.Scorm;

/// <summary>What a content-origin token opens: one package's files, framed by one app origin, until it expires.</summary>
public sealed record ScormGrant(Guid PackageId, string AppOrigin);

/// <summary>
/// The short-lived signed tokens in the content origin's paths (<c>/p/{token}/…</c>): the package's files are read
/// with them, never with the app's cookies (the content origin never sees those). Signed and encrypted by the app's
/// data protection key ring, so every node of a cluster reads the others' tokens.
/// </summary>
public sealed class ScormTokens(IDataProtectionProvider protection, TimeProvider clock)
{
    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("Lms.Scorm.ContentToken.v1").ToTimeLimitedDataProtector();

    public string Issue(ScormGrant grant, TimeSpan lifetime) =>
        _protector.Protect($"{grant.PackageId:N}|{grant.AppOrigin}", clock.GetUtcNow() + lifetime);

    public ScormGrant? Read(string token)
    {
        try
        {
            var text = _protector.Unprotect(token, out var expires);
            if (expires < clock.GetUtcNow()) return null;
            var parts = text.Split('|', 2);
            return parts.Length == 2 && Guid.TryParseExact(parts[0], "N", out var id) ? new ScormGrant(id, parts[1]) : null;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException)
        {
            return null;
        }
    }
}

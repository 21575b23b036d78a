using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Server.Communication.Mail;
using Lms.Server.Problems;

namespace Lms.Server.Identity;

/// <summary>
/// How accounts come to be and are claimed: self sign-up with a confirmed address, invitations
/// from an institution's roster, password reset. Every path that proves "I hold this address or
/// this printed code" ends in <see cref="OneTimeCodes"/>.
/// </summary>
public sealed class Accounts(
    UserRepository users, Passwords passwords, PasswordPolicy policy, OneTimeCodes codes, Mailer mailer,
    ILogger<Accounts> log)
{
    private sealed record ConfirmData(string Email, string? ReturnTo);

    /// <summary>
    /// Makes an account that cannot sign in until its address is confirmed, and mails the link.
    /// The answer is the same whether or not the address already has an account: its holder
    /// gets a message instead, so sign-up tells a stranger nothing.
    /// </summary>
    public async Task SignUpAsync(string displayName, string email, string password, string language, string? returnTo)
    {
        policy.Check(password, "password", displayName, email);
        var hash = await passwords.HashAsync(password); // before the look-up: both answers take as long
        email = UserRepository.NormalizeEmail(email);
        if (await users.FindByLoginAsync(email) is { } holder)
        {
            await mailer.SendAsync(email, holder.DisplayName, MailKinds.SignUpExisting, language, new Dictionary<string, string>
            {
                ["name"] = holder.DisplayName, ["link"] = mailer.Link("/forgot-password"),
            });
            return;
        }
        var id = Guid.CreateVersion7();
        await users.InsertAsync(new NewUser(id, null, null, displayName.Trim(), hash, PendingEmail: email));
        var code = await codes.IssueAsync(id, CodePurposes.ConfirmEmail,
            JsonSerializer.Serialize(new ConfirmData(email, SafeReturn(returnTo)), JsonSerializerOptions.Web));
        await mailer.SendAsync(email, displayName.Trim(), MailKinds.ConfirmEmail, language, new Dictionary<string, string>
        {
            ["name"] = displayName.Trim(),
            ["link"] = mailer.Link($"/confirm-email?code={code}"),
            ["hours"] = ((int)CodePurposes.DefaultLifetime(CodePurposes.ConfirmEmail).TotalHours).ToString(),
        });
    }

    /// <summary>The confirmed person and where the page should take them next.</summary>
    public async Task<(UserRow User, string? ReturnTo)> ConfirmEmailAsync(string code)
    {
        var redeemed = await codes.RedeemAsync(code, [CodePurposes.ConfirmEmail]) ?? throw InvalidCode();
        var data = JsonSerializer.Deserialize<ConfirmData>(redeemed.Data!, JsonSerializerOptions.Web)!;
        if (!await users.ConfirmEmailAsync(redeemed.UserId, data.Email))
            throw new ProblemException(StatusCodes.Status409Conflict, ProblemTypes.EmailTaken,
                "This address already belongs to an account.",
                "Sign in with it, or ask for a new password if you forgot it.");
        return (await users.GetAsync(redeemed.UserId) ?? throw InvalidCode(), data.ReturnTo);
    }

    /// <summary>Mails a reset link if the address has an account; says nothing either way.</summary>
    public async Task RequestPasswordResetAsync(string email, string language)
    {
        var user = await users.FindByLoginAsync(UserRepository.NormalizeEmail(email));
        if (user?.Email is null) return;
        var code = await codes.IssueAsync(user.Id, CodePurposes.PasswordReset);
        await mailer.SendAsync(user.Email, user.DisplayName, MailKinds.PasswordReset, language, new Dictionary<string, string>
        {
            ["name"] = user.DisplayName,
            ["link"] = mailer.Link($"/set-password?code={code}"),
            ["minutes"] = ((int)CodePurposes.DefaultLifetime(CodePurposes.PasswordReset).TotalMinutes).ToString(),
        });
    }

    /// <summary>Who an invitation or reset code belongs to, and which of the two it is, without using it.</summary>
    public async Task<(UserRow User, string Purpose)> PeekSetPasswordCodeAsync(string code) =>
        await codes.PeekAsync(code, CodePurposes.SetPassword) is { } found && await users.GetAsync(found.UserId) is { } user
            ? (user, found.Purpose)
            : throw InvalidCode();

    /// <summary>
    /// An invitation or reset code's holder chooses a password: the account is theirs from now on
    /// (claimed). The policy is checked before the code is used, so a refused password keeps the code.
    /// </summary>
    public async Task<(UserRow User, string Purpose)> SetPasswordWithCodeAsync(string code, string newPassword)
    {
        var (holder, _) = await PeekSetPasswordCodeAsync(code);
        policy.Check(newPassword, "newPassword", holder.DisplayName, holder.Email);
        var hash = await passwords.HashAsync(newPassword);
        var redeemed = await codes.RedeemAsync(code, CodePurposes.SetPassword) ?? throw InvalidCode();
        await users.SetPasswordHashAsync(redeemed.UserId, hash);
        await users.MarkClaimedAsync(redeemed.UserId);
        return (await users.GetAsync(redeemed.UserId) ?? throw InvalidCode(), redeemed.Purpose);
    }

    /// <summary>Mails each e-mail invitation of a roster import.</summary>
    public async Task SendInvitationsAsync(IEnumerable<(string Email, string Name, string Code)> invitations, string institutionName, string language)
    {
        foreach (var (email, name, code) in invitations)
        {
            await mailer.SendAsync(email, name, MailKinds.Invitation, language, new Dictionary<string, string>
            {
                ["name"] = name,
                ["institution"] = institutionName,
                ["link"] = mailer.Link($"/set-password?code={code}"),
                ["days"] = ((int)CodePurposes.DefaultLifetime(CodePurposes.Invitation).TotalDays).ToString(),
            });
        }
        log.LogInformation("Queued invitations for {Institution}", institutionName);
    }

    /// <summary>A path inside this app, or nothing: a link in our mail never sends people to another site.</summary>
    public static string? SafeReturn(string? returnTo) =>
        returnTo is { Length: > 1 and <= 300 } && returnTo[0] == '/' && returnTo[1] != '/' && returnTo[1] != '\\'
            ? returnTo
            : null;

    private static ProblemException InvalidCode() =>
        new(StatusCodes.Status400BadRequest, ProblemTypes.InvalidCode, "This link or code is not valid any more.",
            "It was already used, has expired, or was replaced by a newer one.");
}

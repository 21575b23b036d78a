using Lms.Grains.Data;
using Lms.Grains.Identity;

namespace Lms.Grains.Institutions;

/// <summary>
/// The checks one roster file makes on itself: an e-mail or a national ID on two rows must be one person
/// (the same name, and the same date of birth when both rows give one), or the two rows are an error that
/// names both lines. One person may be on two rows with two roles (a teacher who is also a parent).
/// </summary>
public static class RosterFileCheck
{
    public static List<RosterProblem> Check(IReadOnlyList<RosterEntry> entries)
    {
        var problems = new List<RosterProblem>();
        var byEmail = new Dictionary<string, RosterEntry>(StringComparer.Ordinal);
        var byNationalId = new Dictionary<string, RosterEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.Email is { } email)
            {
                var key = UserRepository.NormalizeEmail(email);
                if (!byEmail.TryAdd(key, entry) && Difference(byEmail[key], entry) is { } why)
                    problems.Add(Duplicate(byEmail[key], entry, "email", email, why));
            }
            if (entry.NationalId is { } id)
            {
                if (!byNationalId.TryAdd(id, entry) && Difference(byNationalId[id], entry) is { } why)
                    problems.Add(Duplicate(byNationalId[id], entry, "national_id", id, why));
            }
        }
        return problems;
    }

    /// <summary>Why two rows that share an identifier are not one person, or null when they are.</summary>
    private static string? Difference(RosterEntry first, RosterEntry other)
    {
        if (PersonText.Key(first.FullName) != PersonText.Key(other.FullName)) return "name";
        if (first.BirthDate is not null && other.BirthDate is not null && first.BirthDate != other.BirthDate) return "birth_date";
        if (first.Email is not null && other.Email is not null
            && UserRepository.NormalizeEmail(first.Email) != UserRepository.NormalizeEmail(other.Email)) return "email";
        if (first.NationalId is not null && other.NationalId is not null && first.NationalId != other.NationalId) return "national_id";
        return null;
    }

    private static RosterProblem Duplicate(RosterEntry first, RosterEntry other, string field, string value, string why) =>
        new(other.Line, field, field == "email" ? "same-email-different-person" : "same-id-different-person",
            $"The {(field == "email" ? "e-mail" : "national ID")} {value} is on lines {first.Line} and {other.Line} " +
            $"for two different people ({why} differs): two people cannot share it.")
        {
            Lines = [first.Line, other.Line],
            Params = new Dictionary<string, string>
            {
                ["value"] = value, ["otherLine"] = first.Line.ToString(), ["line"] = other.Line.ToString(),
                ["otherName"] = first.FullName, ["name"] = other.FullName, ["differs"] = why,
            },
        };
}

using System.Globalization;
using System.Text.RegularExpressions;
using Lms.Grains.Institutions;

namespace Lms.Server.Institutions;

/// <summary>
/// The order slips are printed in: by class, classes in natural order (10A2 before 10A10), people in a class by
/// Vietnamese collation of their given name, then the whole name (as class lists are read out).
/// </summary>
public static partial class RosterSlipOrder
{
    private static readonly StringComparer Vietnamese = StringComparer.Create(CultureInfo.GetCultureInfo("vi-VN"), ignoreCase: true);

    public static IReadOnlyList<(string? ClassName, IReadOnlyList<RosterSlip> Slips)> ByClass(
        IEnumerable<(RosterSlipPerson Person, RosterSlip Slip)> slips) =>
        slips.GroupBy(s => s.Person.ClassName)
            .OrderBy(g => g.Key is null).ThenBy(g => NaturalKey(g.Key ?? ""), StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<RosterSlip>)g
                .OrderBy(s => GivenName(s.Slip.Name), Vietnamese).ThenBy(s => s.Slip.Name, Vietnamese).Select(s => s.Slip).ToList()))
            .ToList();

    private static string GivenName(string name) => name[(name.LastIndexOf(' ') + 1)..];

    /// <summary>Numbers padded, so that an ordinal comparison puts 10A2 before 10A10.</summary>
    private static string NaturalKey(string name) =>
        Number().Replace(name.ToUpperInvariant(), m => m.Value.PadLeft(10, '0'));

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();
}

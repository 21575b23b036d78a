namespace Lms.Grains.Identity;

/// <summary>What a person is in one institution. Stored as the lower-case names below.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Teacher = "teacher";
    public const string Student = "student";
    public const string Parent = "parent";

    public static readonly IReadOnlyList<string> All = [Admin, Teacher, Student, Parent];

    public static bool IsKnown(string role) => All.Contains(role);
}

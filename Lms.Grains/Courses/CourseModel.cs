namespace Lms.Grains.Courses;

public static class CourseKinds
{
    public const string Blended = "blended";
    public const string Mooc = "mooc";
    public static readonly IReadOnlyList<string> All = [Blended, Mooc];
}

public static class CourseStatuses
{
    public const string Draft = "draft";
    public const string Published = "published";
}

public static class ItemKinds
{
    public const string Page = "page";
    public const string Link = "link";
    public static readonly IReadOnlyList<string> All = [Page, Link];
}

/// <summary>A person's part in a course's teaching: the owner created it, teachers co-teach.</summary>
public static class StaffRoles
{
    public const string Owner = "owner";
    public const string Teacher = "teacher";
}

public sealed record CourseRow
{
    public Guid Id { get; init; }
    public Guid InstitutionId { get; init; }
    public string InstitutionName { get; init; } = "";
    public string Title { get; init; } = "";
    public string? Summary { get; init; }
    public string Kind { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A course in someone's list, with what they are in it (owner, teacher or student).</summary>
public sealed record MyCourseRow
{
    public Guid Id { get; init; }
    public string Title { get; init; } = "";
    public string? Summary { get; init; }
    public string Kind { get; init; } = "";
    public string Status { get; init; } = "";
    public string InstitutionName { get; init; } = "";
    public string MyRole { get; init; } = "";
    public DateTimeOffset UpdatedAt { get; init; }
}

public sealed record ModuleRow
{
    public Guid Id { get; init; }
    public Guid CourseId { get; init; }
    public string Title { get; init; } = "";
    public int Position { get; init; }
}

public sealed record ItemRow
{
    public Guid Id { get; init; }
    public Guid CourseId { get; init; }
    public Guid ModuleId { get; init; }
    public string Kind { get; init; } = "";
    public string Title { get; init; } = "";
    public string? Body { get; init; }
    public string? Url { get; init; }
    public int Position { get; init; }
}

public sealed record CourseMemberRow
{
    public Guid Id { get; init; }
    public string DisplayName { get; init; } = "";
    public string? Email { get; init; }
    public string? NationalId { get; init; }
    public string Role { get; init; } = "";
    public int ItemsSeen { get; init; }
}


namespace Lms.Grains.Moocs;

public static class MoocLevels
{
    public const string Beginner = "beginner";
    public const string Intermediate = "intermediate";
    public const string Advanced = "advanced";
    public static readonly IReadOnlyList<string> All = [Beginner, Intermediate, Advanced];
}

public static class RunPaces
{
    /// <summary>Open now (or from a start date), every item available at once, an optional end.</summary>
    public const string Self = "self";

    /// <summary>Start and end dates; items are released day by day after the start.</summary>
    public const string Instructor = "instructor";

    public static readonly IReadOnlyList<string> All = [Self, Instructor];
}

/// <summary>A MOOC's catalogue entry (its own columns), as stored.</summary>
public sealed record MoocRow
{
    public Guid Id { get; init; }
    public Guid InstitutionId { get; init; }
    public string Slug { get; init; } = "";
    public string Subject { get; init; } = "";
    public string Language { get; init; } = "";
    public string Level { get; init; } = "";
    public string? Syllabus { get; init; }
    public string? Instructors { get; init; }
    public int? EffortHoursPerWeek { get; init; }
    public int? DurationWeeks { get; init; }
    public int? Credits { get; init; }
    public decimal? Ects { get; init; }
    public long PriceVnd { get; init; }
    public string? ImageUrl { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A catalogue card: the entry with its course's title and summary and its institution's name.</summary>
public sealed record CatalogueRow
{
    public Guid Id { get; init; }
    public string Slug { get; init; } = "";
    public string Title { get; init; } = "";
    public string? Summary { get; init; }
    public Guid InstitutionId { get; init; }
    public string InstitutionName { get; init; } = "";
    public string Subject { get; init; } = "";
    public string Language { get; init; } = "";
    public string Level { get; init; } = "";
    public int? EffortHoursPerWeek { get; init; }
    public int? DurationWeeks { get; init; }
    public int? Credits { get; init; }
    public decimal? Ects { get; init; }
    public long PriceVnd { get; init; }
    public string? ImageUrl { get; init; }
    public string? Syllabus { get; init; }
    public string? Instructors { get; init; }
    public string Status { get; init; } = "";
    public DateTimeOffset UpdatedAt { get; init; }
}

public sealed record RunRow
{
    public Guid Id { get; init; }
    public Guid MoocId { get; init; }
    public Guid CourseId { get; init; }
    public string Label { get; init; } = "";
    public string Pace { get; init; } = "";
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public int? EnrolCap { get; init; }
    public int Enrolled { get; init; }
    public int Passed { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Whether a learner may enrol at <paramref name="now"/>: not ended (self-paced runs are open before their start too).</summary>
    public bool OpenAt(DateTimeOffset now) => EndsAt is null || now < EndsAt;
}

[GenerateSerializer, Immutable]
public sealed record RunStats(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] int Enrolled,
    [property: Id(2)] int? Cap,
    [property: Id(3)] int Passed,
    [property: Id(4)] bool Open);

public enum EnrolOutcome
{
    Enrolled,
    AlreadyEnrolled,
    Full,
    Closed,
    NotFound,
}

[GenerateSerializer, Immutable]
public sealed record EnrolResultView([property: Id(0)] EnrolOutcome Outcome, [property: Id(1)] RunStats? Stats);

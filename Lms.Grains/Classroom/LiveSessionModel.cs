namespace Lms.Grains.Classroom;

public static class Recurrences
{
    public const string None = "none";
    public const string Weekly = "weekly";
    public static readonly IReadOnlyList<string> All = [None, Weekly];
}

/// <summary>The course item kind of a live session.</summary>
public static class LiveItemKind
{
    public const string Live = "live";
}

/// <summary>A scheduled live lesson in a course.</summary>
public sealed record LiveSessionRow
{
    public Guid Id { get; init; }
    public Guid CourseId { get; init; }
    public string Title { get; init; } = "";
    public string? Description { get; init; }
    public DateTimeOffset StartsAt { get; init; }
    public DateTimeOffset EndsAt { get; init; }
    public string Recurrence { get; init; } = Recurrences.None;
    public DateTimeOffset? RepeatUntil { get; init; }
    public Guid CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The occurrences (start, end) that overlap [from, to), at most <paramref name="max"/>.</summary>
    public IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Occurrences(DateTimeOffset from, DateTimeOffset to, int max = 100)
    {
        var length = EndsAt - StartsAt;
        if (Recurrence != Recurrences.Weekly)
        {
            if (StartsAt < to && EndsAt > from) yield return (StartsAt, EndsAt);
            yield break;
        }
        // Skip whole weeks before the window without walking them one by one.
        var weeks = from > EndsAt ? (long)Math.Floor((from - EndsAt).TotalDays / 7) : 0;
        var start = StartsAt.AddDays(7 * weeks);
        for (var n = 0; n < max && start < to; start = start.AddDays(7))
        {
            if (RepeatUntil is { } until && start > until) yield break;
            if (start + length > from)
            {
                n++;
                yield return (start, start + length);
            }
        }
    }
}

/// <summary>A session with the course it belongs to and the caller's view of it (for lists).</summary>
public sealed record LiveSessionListRow
{
    public Guid Id { get; init; }
    public Guid CourseId { get; init; }
    public string CourseTitle { get; init; } = "";
    public string Title { get; init; } = "";
    public DateTimeOffset StartsAt { get; init; }
    public DateTimeOffset EndsAt { get; init; }
    public string Recurrence { get; init; } = Recurrences.None;
    public DateTimeOffset? RepeatUntil { get; init; }
    public string MyRole { get; init; } = "";
    public Guid? LiveRunId { get; init; }

    public LiveSessionRow AsSession() => new()
    {
        Id = Id, CourseId = CourseId, Title = Title, StartsAt = StartsAt, EndsAt = EndsAt, Recurrence = Recurrence, RepeatUntil = RepeatUntil,
    };
}

public sealed record LiveTeacherRow
{
    public Guid UserId { get; init; }
    public string DisplayName { get; init; } = "";
}

/// <summary>One time a session was held.</summary>
public sealed record LiveRunRow
{
    public Guid Id { get; init; }
    public Guid SessionId { get; init; }
    public Guid StartedBy { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public int Attendees { get; init; }
    public int Polls { get; init; }
    public int ChatMessages { get; init; }
    /// <summary>Questions launched in the run's live quiz.</summary>
    public int QuizQuestions { get; init; }
}

/// <summary>One stretch of time someone was in the room.</summary>
public sealed record AttendanceInterval(Guid UserId, string Role, DateTimeOffset JoinedAt, DateTimeOffset LeftAt);

/// <summary>A person's attendance in one run: every interval, summed.</summary>
public sealed record AttendanceReportRow
{
    public Guid UserId { get; init; }
    public string DisplayName { get; init; } = "";
    public string? Email { get; init; }
    public string? NationalId { get; init; }
    public string Role { get; init; } = "";
    public DateTimeOffset? FirstJoinedAt { get; init; }
    public DateTimeOffset? LastLeftAt { get; init; }
    public double Minutes { get; init; }
    public int Joins { get; init; }
    public bool Present => Joins > 0;
}

public sealed record ChatRecord(Guid Id, Guid RunId, Guid UserId, int? Breakout, string Text, DateTimeOffset SentAt);

public sealed record PollRecord(
    Guid Id, Guid RunId, string Question, IReadOnlyList<string> Options, bool Multiple, bool Anonymous,
    DateTimeOffset OpenedAt, DateTimeOffset ClosedAt, IReadOnlyList<PollAnswerRecord> Answers);

public sealed record PollAnswerRecord(Guid UserId, IReadOnlyList<int> Choices, DateTimeOffset AnsweredAt);

public sealed record PollReportRow
{
    public Guid Id { get; init; }
    public string Question { get; init; } = "";
    public string Options { get; init; } = "[]";
    public bool Multiple { get; init; }
    public bool Anonymous { get; init; }
    public DateTimeOffset OpenedAt { get; init; }
    public DateTimeOffset ClosedAt { get; init; }
}

public sealed record PollAnswerRow
{
    public Guid PollId { get; init; }
    public Guid UserId { get; init; }
    public string DisplayName { get; init; } = "";
    public string Choices { get; init; } = "";
    public DateTimeOffset AnsweredAt { get; init; }
}

public sealed record ChatLogRow
{
    public Guid Id { get; init; }
    public Guid UserId { get; init; }
    public string DisplayName { get; init; } = "";
    public int? Breakout { get; init; }
    public string Text { get; init; } = "";
    public DateTimeOffset SentAt { get; init; }
    public DateTimeOffset? DeletedAt { get; init; }
}

public sealed record LiveStateRow
{
    public Guid SessionId { get; init; }
    public long Seq { get; init; }
    public string State { get; init; } = "";
    public DateTimeOffset SavedAt { get; init; }
}

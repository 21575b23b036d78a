using System.ComponentModel.DataAnnotations;

namespace Lms.Server.Content;

/// <summary><paramref name="TabId"/>: the teacher's tab that records (browser mode; it must hold the tab claim in the room).</summary>
public sealed record StartLessonRecordingRequest([property: StringLength(200)] string? Title, [property: StringLength(64)] string? TabId = null);

/// <summary>
/// <paramref name="PieceCount"/>: how many pieces the recording has in all (browser mode; a tab that resumed it counts from
/// the piece it started at). <paramref name="TabId"/>: the tab that records it; another tab's stop is refused.
/// </summary>
public sealed record StopLessonRecordingRequest([property: Range(1, 100_000)] int? PieceCount, [property: StringLength(64)] string? TabId = null);

public sealed record LessonRecordingSettings(bool RecordAutomatically);

public sealed record LessonRecordingView(
    Guid Id, string Title, string Status, Guid? RunId, Guid OwnerId, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    DateTimeOffset? PublishedAt, Guid? ItemId, Guid? CourseItemId, Guid? CourseId, string? Error)
{
    /// <summary>The recording in progress: the teacher's tab that records it (teachers only).</summary>
    public string? RecorderTab { get; init; }

    /// <summary>The recording in progress: the index the recording tab sends next (teachers only).</summary>
    public int? NextPiece { get; init; }

    /// <summary>The recording in progress: whether pieces are arriving (its tab is in the room and sent one lately).</summary>
    public bool? Receiving { get; init; }

    /// <summary>The recording in progress: when the last piece arrived.</summary>
    public DateTimeOffset? LastPieceAt { get; init; }

    /// <summary>The answer to a start: true when it went on with the recording in progress (a reloaded or reopened page).</summary>
    public bool? Resumed { get; init; }
}

/// <summary>
/// A session's recording state: how it is recorded here (<c>browser</c>: the teacher's browser
/// composes and uploads it; <c>livekit</c>: LiveKit's egress records the room), whether it starts by
/// itself, the recording in progress and the session's recordings (students see the published ones), and the
/// length of a piece the recording browser records (<see cref="LessonRecordingOptions.PieceLength"/>).
/// </summary>
public sealed record SessionRecordingState(
    string Mode, bool RecordAutomatically, bool CanRecord, LessonRecordingView? Now, IReadOnlyList<LessonRecordingView> Recordings,
    int PieceSeconds);

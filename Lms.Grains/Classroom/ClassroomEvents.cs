using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Lms.Grains.Classroom;

/// <summary>
/// The wire between the room and the browser: every event the classroom and the live quiz publish, each
/// with its name and the record its data is serialized from (camelCase, as <see cref="ClassroomJson.Options"/>
/// writes it). The web app mirrors this file in <c>Lms.Web/src/pages/classroom/events.ts</c>, and
/// <c>ClassroomWireTests</c> fails when the two differ in an event's name or a field's, so a renamed field
/// breaks the build and the tests instead of a lesson.
/// </summary>
public static class ClassroomEvents
{
    // The room's life.
    public static readonly ClassroomEventType<SessionStarted> SessionStarted = new("session.started");
    public static readonly ClassroomEventType<NextRun> SessionNext = new("session.next");
    public static readonly ClassroomEventType<SessionEnded> SessionEnded = new("session.ended");
    /// <summary>The room lost events (a new activation from a snapshot): join again for a fresh snapshot.</summary>
    public static readonly ClassroomEventType<NoData> RoomResync = new("room.resync");
    public static readonly ClassroomEventType<RoomSettings> RoomSettings = new("room.settings");
    public static readonly ClassroomEventType<RoomCount> RoomCount = new("room.count");

    // Joining, the waiting room and presence.
    public static readonly ClassroomEventType<WaitingPerson> WaitingJoined = new("waiting.joined");
    public static readonly ClassroomEventType<UserRef> WaitingLeft = new("waiting.left");
    public static readonly ClassroomEventType<UserRef> YouAdmitted = new("you.admitted");
    public static readonly ClassroomEventType<UserRef> YouRemoved = new("you.removed");
    public static readonly ClassroomEventType<ParticipantView> ParticipantJoined = new("participant.joined");
    public static readonly ClassroomEventType<UserRef> ParticipantLeft = new("participant.left");
    public static readonly ClassroomEventType<UserRef> ParticipantAway = new("participant.away");
    public static readonly ClassroomEventType<UserRef> ParticipantBack = new("participant.back");
    public static readonly ClassroomEventType<MediaChoice> ParticipantMedia = new("participant.media");
    public static readonly ClassroomEventType<UserRef> MediaMuted = new("media.muted");

    // Hands and the floor.
    public static readonly ClassroomEventType<RaisedHand> HandRaised = new("hand.raised");
    public static readonly ClassroomEventType<HandLowered> HandLowered = new("hand.lowered");
    public static readonly ClassroomEventType<FloorView> FloorGiven = new("floor.given");
    public static readonly ClassroomEventType<UserRef> FloorTaken = new("floor.taken");

    // Chat and reactions.
    public static readonly ClassroomEventType<ChatLine> ChatMessage = new("chat.message");
    public static readonly ClassroomEventType<ChatDeleted> ChatDeleted = new("chat.deleted");
    public static readonly ClassroomEventType<ReactionSent> Reaction = new("reaction");
    public static readonly ClassroomEventType<ReactionCounts> Reactions = new("reactions");

    // Polls.
    public static readonly ClassroomEventType<RoomPoll> PollOpened = new("poll.opened");
    public static readonly ClassroomEventType<PollTally> PollTally = new("poll.tally");
    public static readonly ClassroomEventType<PollClosed> PollClosed = new("poll.closed");
    /// <summary>To teachers, when a poll closed without showing its results to the room.</summary>
    public static readonly ClassroomEventType<PollTally> PollResults = new("poll.results");

    // Breakout groups.
    public static readonly ClassroomEventType<BreakoutsView> BreakoutStarted = new("breakout.started");
    public static readonly ClassroomEventType<BreakoutMessage> BreakoutMessage = new("breakout.message");
    public static readonly ClassroomEventType<NoData> BreakoutEnded = new("breakout.ended");

    // A teacher's tabs.
    public static readonly ClassroomEventType<TabClaimed> TabClaimed = new("tab.claimed");
    public static readonly ClassroomEventType<TabReleased> TabReleased = new("tab.released");

    // The teacher sees the class: students' cameras (ClassroomGrain.Cameras).
    /// <summary>A teacher asks the class (or one student) to turn cameras on.</summary>
    public static readonly ClassroomEventType<CameraRequest> CamerasAsked = new("cameras.asked");
    /// <summary>A teacher asks the class (or one student) to turn cameras off.</summary>
    public static readonly ClassroomEventType<CameraRequest> CamerasStopped = new("cameras.stopped");
    /// <summary>To teachers (and the student): a student's camera was asked for, turned on or off, refused, or is missing.</summary>
    public static readonly ClassroomEventType<CameraState> CameraChanged = new("camera.changed");

    // The live quiz (published through the room, numbered with its events).
    public static readonly ClassroomEventType<LiveQuizLaunch> QuizLaunched = new("quiz.launched");
    public static readonly ClassroomEventType<QuizTally> QuizTally = new("quiz.tally");
    public static readonly ClassroomEventType<QuizClosed> QuizClosed = new("quiz.closed");
    public static readonly ClassroomEventType<LiveQuizResults> QuizResults = new("quiz.results");
    public static readonly ClassroomEventType<LiveQuizLeaderboard> QuizLeaderboard = new("quiz.leaderboard");
    public static readonly ClassroomEventType<NoData> QuizCleared = new("quiz.cleared");

    // Broadcast mode (ClassroomGrain.Broadcast): whether the lesson goes out as HLS, and whether its first segment arrived.
    public static readonly ClassroomEventType<BroadcastMode> BroadcastModeChanged = new("broadcast.mode");

    // A lesson's recording (published through the room by the Content feature's LessonRecordings).
    public static readonly ClassroomEventType<RecordingStarted> RecordingStarted = new("recording.started");
    public static readonly ClassroomEventType<RecordingResumed> RecordingResumed = new("recording.resumed");
    public static readonly ClassroomEventType<RecordingStopped> RecordingStopped = new("recording.stopped");

    /// <summary>Every event above (for the wire test and the documentation).</summary>
    public static IReadOnlyList<IClassroomEventType> All { get; } = typeof(ClassroomEvents).GetFields()
        .Where(f => f.IsStatic && typeof(IClassroomEventType).IsAssignableFrom(f.FieldType))
        .Select(f => (IClassroomEventType)f.GetValue(null)!).ToList();
}

/// <summary>An event's name on the wire and the type of its data.</summary>
public interface IClassroomEventType
{
    string Name { get; }
    Type Data { get; }
}

/// <summary>An event's name bound to the record its data is made from: the grain cannot send the wrong shape under a name.</summary>
public sealed record ClassroomEventType<T>(string Name) : IClassroomEventType
{
    public Type Data => typeof(T);
    public override string ToString() => Name;
}

/// <summary>How the room's event data, snapshots and live quiz states are written.</summary>
public static class ClassroomJson
{
    // Vietnamese text travels as itself, not as \u escapes (a third of the bytes on a phone's link).
    public static readonly JsonSerializerOptions Options = new(JsonSerializerOptions.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };
}

// ------------------------------------------------------------------ the data of the events (and the pieces of a snapshot)

/// <summary>An event that says only that it happened (<c>{}</c>).</summary>
public sealed record NoData;

/// <summary>The one person an event is about.</summary>
public sealed record UserRef(Guid UserId);

public sealed record SessionStarted(Guid RunId, DateTimeOffset StartedAt, Guid PresenterId, string PresenterName);

/// <summary>To a page still on an earlier run: a new run began (they are counted once they join it).</summary>
public sealed record NextRun(Guid RunId);

public sealed record SessionEnded(Guid RunId, DateTimeOffset EndedAt);

public sealed record RoomSettings(bool Locked, bool WaitingRoom, bool StudentChat, string MediaMode);

public sealed record RoomCount(int Count);

public sealed record WaitingPerson(Guid UserId, string Name, DateTimeOffset? At);

/// <summary>Someone in the room, as others may see them.</summary>
public sealed record ParticipantView(Guid UserId, string Name, string Role, bool Online, DateTimeOffset? Hand, string Media, int? Breakout);

/// <summary>A person's own media choice (full, low, audio).</summary>
public sealed record MediaChoice(Guid UserId, string Mode);

public sealed record RaisedHand(Guid UserId, string Name, DateTimeOffset? At);

/// <summary><see cref="By"/>: self, teacher, floor (given the floor) or left (left the room).</summary>
public sealed record HandLowered(Guid UserId, string By);

public sealed record FloorView(Guid UserId, string Name, bool AllowVideo);

/// <summary>A chat message; a deleted one keeps its place with no text.</summary>
public sealed record ChatLine(Guid Id, Guid UserId, string Name, string Role, string Text, DateTimeOffset At, int? Group, bool Deleted);

public sealed record ChatDeleted(Guid Id);

/// <summary>One reaction, in a small room.</summary>
public sealed record ReactionSent(Guid UserId, string Name, string Emoji);

/// <summary>Reactions summed over a tick, in a big room (emoji to count).</summary>
public sealed record ReactionCounts(Dictionary<string, int> Counts);

/// <summary>
/// A poll as one person may see it: <see cref="Counts"/> and <see cref="Answered"/> for teachers or once shown;
/// <see cref="MyChoices"/> the viewer's own answer.
/// </summary>
public sealed record RoomPoll(
    Guid Id, string Question, IReadOnlyList<string> Options, bool Multiple, bool Anonymous, DateTimeOffset OpenedAt, bool Closed, bool Shown,
    int[]? Counts, int? Answered, IReadOnlyList<int>? MyChoices);

public sealed record PollTally(Guid Id, int[] Counts, int Answered);

public sealed record PollClosed(Guid Id, bool Shown, int[]? Counts, int? Answered);

public sealed record GroupMember(Guid UserId, string Name);

public sealed record BreakoutGroup(int N, IReadOnlyList<GroupMember> Members);

/// <summary>The breakout groups one may see (a teacher all, a student their own) and when they end.</summary>
public sealed record BreakoutsView(IReadOnlyList<BreakoutGroup> Groups, DateTimeOffset EndsAt);

/// <summary>A teacher's message to every group.</summary>
public sealed record BreakoutMessage(string Text, string From, DateTimeOffset At);

public sealed record TabClaimed(Guid UserId, string TabId, DateTimeOffset Since);

public sealed record TabReleased(Guid UserId, string TabId);

/// <summary>A teacher's request about cameras: to one student (<see cref="UserId"/>), or to the whole class (null).</summary>
public sealed record CameraRequest(Guid? UserId);

/// <summary>A launched question; <see cref="Question"/> is the question as a student sees it (the shape of a quiz attempt's).</summary>
public sealed record LiveQuizLaunch(
    Guid LaunchId, int Position, int? TimeLimitSeconds, bool SpeedBonus, DateTimeOffset LaunchedAt, DateTimeOffset? DeadlineAt, int MaxPoints,
    object Question);

/// <summary>To teachers while a question is open: how many answered and how.</summary>
public sealed record QuizTally(Guid LaunchId, int Answered, int InRoom, IReadOnlyList<LiveQuizBucket> Distribution);

public sealed record QuizClosed(Guid LaunchId, DateTimeOffset ClosedAt, int Answered);

public sealed record LeaderboardEntry(int Rank, Guid UserId, string Name, int Points, int Correct, int Answered);

public sealed record LiveQuizLeaderboard(int AfterPosition, int Questions, int Players, IReadOnlyList<LeaderboardEntry> Top);

// ------------------------------------------------------------------ the snapshot a client gets when it joins (instead of a replay)

/// <summary>The room as one person may see it now: what <c>Join</c> answers when the missed events cannot be replayed.</summary>
public sealed record RoomSnapshot(
    long Seq, string Status, Guid? RunId, DateTimeOffset? StartedAt, Guid? PresenterId, RoomSettings Settings, Myself Me, int Count,
    IReadOnlyList<ParticipantView> Participants, IReadOnlyList<WaitingPerson>? Waiting, IReadOnlyList<RaisedHand> Hands, FloorView? Floor,
    RoomPoll? Poll, BreakoutsView? Breakout, IReadOnlyList<ChatLine> Chat, BroadcastMode? Broadcast);

/// <summary>The viewer's own place in the room.</summary>
public sealed record Myself(Guid UserId, string Role, bool Admitted, DateTimeOffset? Hand, string Media, int? Breakout, bool Floor);

/// <summary>
/// Whether the lesson is broadcast (<see cref="On"/>): the teacher's choice (<see cref="Chosen"/>, null: by the class's size,
/// <see cref="Students"/> against <see cref="AboveStudents"/>); <see cref="LiveRunId"/>: the run whose first segment arrived;
/// <see cref="EndedRunId"/>: the run whose broadcast was closed (by the teacher's end, or by the server when its pieces stopped).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BroadcastMode(
    [property: Id(0)] bool On, [property: Id(1)] bool? Chosen, [property: Id(2)] int Students, [property: Id(3)] int AboveStudents,
    [property: Id(4)] Guid? LiveRunId, [property: Id(5)] Guid? EndedRunId = null);

/// <summary>A recording began; <see cref="Mode"/>: browser (the teacher's page records) or livekit (the media server does).</summary>
public sealed record RecordingStarted(Guid RecordingId, string By, DateTimeOffset StartedAt, string Mode);

/// <summary>A reloaded or reopened teacher's page goes on with the recording in progress.</summary>
public sealed record RecordingResumed(Guid RecordingId, string By);

public sealed record RecordingStopped(Guid RecordingId);

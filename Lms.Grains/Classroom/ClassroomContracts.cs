using System.Runtime.Serialization;

namespace Lms.Grains.Classroom;

public static class ClassroomRoles
{
    public const string Teacher = "teacher";
    public const string Student = "student";
}

/// <summary>Who calls the grain: decided by the hub (course staff are teachers, enrolled students of a published course are students).</summary>
[GenerateSerializer, Immutable]
public sealed record Caller(
    [property: Id(0)] Guid UserId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string Role,
    [property: Id(3)] string ConnectionId)
{
    public bool IsTeacher => Role == ClassroomRoles.Teacher;
}

/// <summary>
/// One event of a session, as every client receives it. <see cref="Seq"/> is the session's
/// sequence number; <see cref="Data"/> is the event's typed payload serialized once as JSON, so
/// that the envelope is the same under the JSON and the MessagePack hub protocols and a replay
/// sends exactly the bytes of the first delivery. Names are fixed with DataMember so that both
/// protocols use the same keys.
/// </summary>
[GenerateSerializer, Immutable, DataContract]
public sealed record ClassroomEvent(
    [property: Id(0), DataMember(Name = "sessionId")] string SessionId,
    [property: Id(1), DataMember(Name = "seq")] long Seq,
    [property: Id(2), DataMember(Name = "type")] string Type,
    [property: Id(3), DataMember(Name = "at")] string At,
    [property: Id(4), DataMember(Name = "data")] string Data,
    // For each audience the event goes to, the number of that audience's previous event (0: none known). Groups are
    // ordered one by one but not across each other (the Redis backplane), so a client in several audiences checks
    // each one's chain: a newer event in one audience never hides an older one in another, and a real gap is seen.
    [property: Id(5), DataMember(Name = "after")] IReadOnlyDictionary<string, long>? After = null);

/// <summary>What <c>Join</c> answers: where the caller stands, and either the missed events or a snapshot.</summary>
[GenerateSerializer, Immutable, DataContract]
public sealed record JoinResult(
    [property: Id(0), DataMember(Name = "status")] string Status,
    [property: Id(1), DataMember(Name = "reason")] string? Reason,
    [property: Id(2), DataMember(Name = "role")] string Role,
    [property: Id(3), DataMember(Name = "seq")] long Seq,
    [property: Id(4), DataMember(Name = "snapshot")] string? Snapshot,
    [property: Id(5), DataMember(Name = "events")] IReadOnlyList<ClassroomEvent> Events,
    // The audiences the caller's connection is in now: the chains it checks for gaps (see ClassroomEvent.After).
    [property: Id(6), DataMember(Name = "audiences")] IReadOnlyList<string>? Audiences = null);

public static class JoinStatuses
{
    /// <summary>In the room.</summary>
    public const string Joined = "joined";
    /// <summary>Waiting: for the teacher to start, or to be admitted from the waiting room.</summary>
    public const string Waiting = "waiting";
    /// <summary>Not let in (locked, removed, ended).</summary>
    public const string Refused = "refused";
}

/// <summary>A command's outcome. <see cref="Error"/> is a stable code (see <see cref="ClassroomErrors"/>).</summary>
[GenerateSerializer, Immutable, DataContract]
public sealed record CommandResult(
    [property: Id(0), DataMember(Name = "ok")] bool Ok,
    [property: Id(1), DataMember(Name = "error")] string? Error,
    [property: Id(2), DataMember(Name = "seq")] long Seq,
    [property: Id(3), DataMember(Name = "value")] string? Value)
{
    public static CommandResult Fail(string error) => new(false, error, 0, null);
}

public static class ClassroomErrors
{
    public const string Forbidden = "forbidden";
    public const string NotJoined = "not-joined";
    public const string NotLive = "not-live";
    public const string Ended = "ended";
    public const string Locked = "locked";
    public const string Removed = "removed";
    public const string ChatOff = "chat-off";
    public const string TooFast = "too-fast";
    /// <summary>A WebRTC signalling message larger than any real one (Classroom:MaxSignalChars).</summary>
    public const string SignalTooLarge = "signal-too-large";
    /// <summary>The person already holds Classroom:MaxConnectionsPerPerson connections: this new one is refused.</summary>
    public const string TooManyConnections = "too-many-connections";
    public const string Invalid = "invalid";
    public const string NoPoll = "no-poll";
    public const string NotFound = "not-found";
    public const string AlreadyLive = "already-live";
    /// <summary>The room could not finish a step in time (a stuck delivery); the client tries again.</summary>
    public const string Unavailable = "unavailable";
}

/// <summary>Who an event is for. Another feature publishing into a session uses these too.</summary>
public static class Audiences
{
    public const string All = "all";
    public const string Teachers = "teachers";
    public static string User(Guid userId) => "u:" + userId.ToString("N");
    public static string Breakout(int group) => "b:" + group;
}

/// <summary>A WebRTC signalling message relayed between two people in a room (not sequenced: it only matters live).</summary>
[GenerateSerializer, Immutable, DataContract]
public sealed record SignalMessage(
    [property: Id(0), DataMember(Name = "sessionId")] string SessionId,
    [property: Id(1), DataMember(Name = "from")] string From,
    [property: Id(2), DataMember(Name = "fromName")] string FromName,
    [property: Id(3), DataMember(Name = "kind")] string Kind,
    [property: Id(4), DataMember(Name = "payload")] string Payload);

/// <summary>Someone in the room, as the grain reports it to other features.</summary>
[GenerateSerializer, Immutable]
public sealed record Presence(
    [property: Id(0)] Guid UserId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string Role,
    [property: Id(3)] bool Online,
    [property: Id(4)] IReadOnlyList<string> ConnectionIds);

[GenerateSerializer, Immutable]
public sealed record RoomStatus(
    [property: Id(0)] string Status,
    [property: Id(1)] Guid? RunId,
    [property: Id(2)] DateTimeOffset? StartedAt,
    [property: Id(3)] long Seq,
    [property: Id(4)] int Participants,
    [property: Id(5)] Guid? FloorUserId,
    [property: Id(6)] bool FloorAllowVideo);

public static class RoomStatuses
{
    public const string Scheduled = "scheduled";
    public const string Live = "live";
    public const string Ended = "ended";
}

/// <summary>
/// One live session's room: the live state and its rules. The hub (or another feature) calls it;
/// it publishes sequenced events through <see cref="IClassroomPublisher"/>.
/// </summary>
public interface IClassroomGrain : IGrainWithGuidKey
{
    /// <summary>Enters the room (or its waiting room); with <paramref name="lastSeq"/>, also what was missed since then.</summary>
    Task<JoinResult> Join(Caller caller, long? lastSeq);

    /// <summary>The caller's connection leaves (on purpose, or because it dropped).</summary>
    Task Leave(Caller caller);

    /// <summary>A connection dropped without saying goodbye: its person has a grace period to come back.</summary>
    Task Dropped(string connectionId);

    /// <summary>Runs one command once: a repeated <see cref="ClassroomCommand.CommandId"/> from the same person returns the first result.</summary>
    Task<CommandResult> Execute(Caller caller, ClassroomCommand command);

    /// <summary>Relays a WebRTC signalling message to someone else in the room.</summary>
    Task<CommandResult> Signal(Caller caller, Guid to, string kind, string payload);

    /// <summary>For other features (a live quiz, a recording): publishes a sequenced event into the session.</summary>
    Task<long> Publish(string type, string jsonData, IReadOnlyList<string> audiences);

    /// <summary>For other features: who is in the room now.</summary>
    Task<IReadOnlyList<Presence>> GetPresence();

    Task<RoomStatus> GetStatus();

    /// <summary>True when a teacher removed this person from the current run (they may not come back, nor renew media access).</summary>
    Task<bool> WasRemoved(Guid userId);
}

/// <summary>Sends the room's events to its clients. Implemented by the web host (SignalR); must never wait for a client.</summary>
public interface IClassroomPublisher
{
    /// <summary>Queues an event for the given audiences and returns at once.</summary>
    void Publish(Guid sessionId, ClassroomEvent @event, IReadOnlyList<string> audiences);

    /// <summary>Queues a signalling message for one person and returns at once.</summary>
    void Signal(Guid sessionId, Guid to, SignalMessage message);

    /// <summary>Puts a connection in (and takes it out of) the session's audiences.</summary>
    Task SetAudiencesAsync(Guid sessionId, string connectionId, IReadOnlyCollection<string> add, IReadOnlyCollection<string> remove);
}

/// <summary>What the room asks of the media provider (LiveKit) when its rules change who may publish. Peer to peer needs nothing.</summary>
public interface IClassroomMedia
{
    Task RoomStartedAsync(Guid sessionId);
    Task RoomEndedAsync(Guid sessionId);
    Task CanPublishChangedAsync(Guid sessionId, Guid userId, bool canPublish, bool allowVideo);
    Task MuteAsync(Guid sessionId, Guid userId);
    Task RemoveAsync(Guid sessionId, Guid userId);
}

public sealed class NoClassroomMedia : IClassroomMedia
{
    public Task RoomStartedAsync(Guid sessionId) => Task.CompletedTask;
    public Task RoomEndedAsync(Guid sessionId) => Task.CompletedTask;
    public Task CanPublishChangedAsync(Guid sessionId, Guid userId, bool canPublish, bool allowVideo) => Task.CompletedTask;
    public Task MuteAsync(Guid sessionId, Guid userId) => Task.CompletedTask;
    public Task RemoveAsync(Guid sessionId, Guid userId) => Task.CompletedTask;
}

public sealed class ClassroomOptions
{
    public const string Section = "Classroom";

    /// <summary>How many recent events the room keeps for replay; a client further behind gets a snapshot.</summary>
    public int ReplayBuffer { get; set; } = 2048;

    /// <summary>Up to this many people, everyone sees everyone come and go; above it only teachers do (others see a count).</summary>
    public int SmallRoom { get; set; } = 60;

    /// <summary>How long a dropped connection may take to come back before its person counts as gone.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often the room's snapshot is saved (when it changed) and chat is written.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The least time between two chat messages of one student.</summary>
    public TimeSpan StudentChatInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A room's sender (in the web host) is retired after this long with nothing to send, and made anew on the next event.</summary>
    public TimeSpan SenderIdle { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The longest the room waits for a delivery step it must see done (a connection put into its audiences when it joins).
    /// Past it the join fails with <see cref="ClassroomErrors.Unavailable"/> (the client tries again) instead of holding the room.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

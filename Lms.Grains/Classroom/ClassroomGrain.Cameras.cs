using System.Runtime.Serialization;

namespace Lms.Grains.Classroom;

/// <summary>
/// The teacher sees the class: a teacher asks every student (or one) to turn their camera on; each student
/// accepts or refuses (or has no camera), and one who accepted sends a small, slow thumbnail to the teachers
/// over a peer connection of its own (signalled through <see cref="CameraSignal"/>, never to another student).
/// A student can turn theirs off at any time; a teacher can ask them all to turn off.
/// </summary>
public interface IClassroomCameras : IGrainWithGuidKey
{
    /// <summary>The cameras the caller may know of: a teacher every student's, a student their own.</summary>
    Task<IReadOnlyList<CameraState>> Cameras(Caller caller);

    /// <summary>
    /// WebRTC signalling for a thumbnail's connection (hello: the teacher asks for an offer; offer, answer, ice, bye): from a student whose camera is on to a
    /// teacher, or from a teacher to a student. Delivered as a signal of kind <c>cam-</c> + <paramref name="kind"/>.
    /// </summary>
    Task<CommandResult> CameraSignal(Caller caller, Guid to, string kind, string payload);
}

/// <summary>A student's camera as the teachers see it; <see cref="State"/> is one of <see cref="CameraStates"/>.</summary>
[GenerateSerializer, Immutable, DataContract]
public sealed record CameraState(
    [property: Id(0), DataMember(Name = "userId")] Guid UserId,
    [property: Id(1), DataMember(Name = "name")] string Name,
    [property: Id(2), DataMember(Name = "state")] string State);

public static class CameraStates
{
    /// <summary>The teacher asked; the student has not answered yet.</summary>
    public const string Asked = "asked";
    public const string On = "on";
    public const string Refused = "refused";
    /// <summary>The student accepted but the browser has no camera, or its permission was denied.</summary>
    public const string None = "none";
    /// <summary>Turned off (by the student, or at the teacher's request).</summary>
    public const string Off = "off";

    /// <summary>What a student may say of their own camera.</summary>
    public static readonly IReadOnlySet<string> Answers = new HashSet<string> { On, Refused, None, Off };
}

// Commands (through Execute, so they are applied once and refused outside a live lesson).

/// <summary>Asks every student in the room (<see cref="UserId"/> null) or one to turn their camera on.</summary>
[GenerateSerializer, Immutable] public sealed record AskCameras(string CommandId, [property: Id(0)] Guid? UserId) : ClassroomCommand(CommandId), ITeacherCommand;

/// <summary>Asks every student (<see cref="UserId"/> null) or one to turn their camera off.</summary>
[GenerateSerializer, Immutable] public sealed record StopCameras(string CommandId, [property: Id(0)] Guid? UserId) : ClassroomCommand(CommandId), ITeacherCommand;

/// <summary>A student's answer about their own camera: one of <see cref="CameraStates.Answers"/>.</summary>
[GenerateSerializer, Immutable] public sealed record SetMyCamera(string CommandId, [property: Id(0)] string State) : ClassroomCommand(CommandId);

public sealed partial class ClassroomGrain : IClassroomCameras
{
    private static readonly HashSet<string> CameraSignalKinds = ["hello", "offer", "answer", "ice", "bye"];

    /// <summary>
    /// Each student's camera, in the room's snapshot: a new activation (after a failover) still knows who was asked,
    /// who accepted and who refused. The thumbnails' connections themselves are made again by the pages that rejoin.
    /// </summary>
    private Dictionary<Guid, string> _cameras => _s.Cameras;

    private Task<CommandResult> CameraCommand(ParticipantState p, ClassroomCommand command) => Task.FromResult(command switch
    {
        AskCameras c => AskCamerasCore(c.UserId),
        StopCameras c => StopCamerasCore(c.UserId),
        SetMyCamera c => SetMyCameraCore(p, c.State),
        _ => CommandResult.Fail(ClassroomErrors.Invalid),
    });

    private CommandResult AskCamerasCore(Guid? userId)
    {
        if (CameraTargets(userId) is not { } targets) return CommandResult.Fail(ClassroomErrors.NotFound);
        // Whoever already shows their camera is not asked again.
        foreach (var s in targets.Where(s => CameraOf(s.UserId) != CameraStates.On))
        {
            _cameras[s.UserId] = CameraStates.Asked;
            Emit(ClassroomEvents.CameraChanged, new CameraState(s.UserId, s.Name, CameraStates.Asked), Audiences.Teachers);
        }
        return Ok(Emit(ClassroomEvents.CamerasAsked, new CameraRequest(userId), CameraAudience(userId)));
    }

    private CommandResult StopCamerasCore(Guid? userId)
    {
        if (CameraTargets(userId) is not { } targets) return CommandResult.Fail(ClassroomErrors.NotFound);
        foreach (var s in targets.Where(s => _cameras.ContainsKey(s.UserId) && CameraOf(s.UserId) != CameraStates.Off))
        {
            _cameras[s.UserId] = CameraStates.Off;
            Emit(ClassroomEvents.CameraChanged, new CameraState(s.UserId, s.Name, CameraStates.Off), Audiences.Teachers, Audiences.User(s.UserId));
        }
        return Ok(Emit(ClassroomEvents.CamerasStopped, new CameraRequest(userId), CameraAudience(userId)));
    }

    private CommandResult SetMyCameraCore(ParticipantState p, string state)
    {
        if (p.IsTeacher || !CameraStates.Answers.Contains(state)) return CommandResult.Fail(ClassroomErrors.Invalid);
        // A camera goes on only when a teacher asked for it (or it was on already: a reloaded page turning it on again).
        if (state == CameraStates.On && CameraOf(p.UserId) is not (CameraStates.Asked or CameraStates.On))
            return CommandResult.Fail(ClassroomErrors.Forbidden);
        _cameras[p.UserId] = state;
        return Ok(Emit(ClassroomEvents.CameraChanged, new CameraState(p.UserId, p.Name, state), Audiences.Teachers, Audiences.User(p.UserId)));
    }

    public Task<IReadOnlyList<CameraState>> Cameras(Caller caller)
    {
        if (!_connections.TryGetValue(caller.ConnectionId, out var userId) || userId != caller.UserId
            || !_s.People.TryGetValue(userId, out var p) || !p.Admitted)
            return Task.FromResult<IReadOnlyList<CameraState>>([]);
        var visible = _cameras.Where(c => p.IsTeacher || c.Key == userId)
            .Select(c => new CameraState(c.Key, _s.People.TryGetValue(c.Key, out var who) ? who.Name : "", c.Value))
            .OrderBy(c => c.Name, StringComparer.CurrentCulture).ToList();
        return Task.FromResult<IReadOnlyList<CameraState>>(visible);
    }

    public Task<CommandResult> CameraSignal(Caller caller, Guid to, string kind, string payload)
    {
        if (!_connections.TryGetValue(caller.ConnectionId, out var from) || from != caller.UserId
            || !_s.People.TryGetValue(from, out var sender) || !sender.Admitted)
            return Task.FromResult(CommandResult.Fail(ClassroomErrors.NotJoined));
        if (_s.Status != RoomStatuses.Live) return Task.FromResult(CommandResult.Fail(ClassroomErrors.NotLive));
        if (!CameraSignalKinds.Contains(kind) || (payload?.Length ?? 0) > 64_000) return Task.FromResult(CommandResult.Fail(ClassroomErrors.Invalid));
        if (!_s.People.TryGetValue(to, out var target) || !target.Admitted || !target.Connected)
            return Task.FromResult(CommandResult.Fail(ClassroomErrors.NotFound));
        // A thumbnail goes from a student to the teachers only: a student never reaches another student's camera,
        // and sends nothing before they turned theirs on.
        if (!sender.IsTeacher && (!target.IsTeacher || (kind != "bye" && CameraOf(from) != CameraStates.On)))
            return Task.FromResult(CommandResult.Fail(ClassroomErrors.Forbidden));
        if (sender.IsTeacher && target.IsTeacher) return Task.FromResult(CommandResult.Fail(ClassroomErrors.Forbidden));
        publisher.Signal(_sessionId, to, new SignalMessage(_sessionId.ToString(), from.ToString(), sender.Name, "cam-" + kind, payload ?? ""));
        return Task.FromResult(Ok());
    }

    /// <summary>The students a request is for: everyone in the room, or the one named (null when that one is not a student in the room).</summary>
    private List<ParticipantState>? CameraTargets(Guid? userId)
    {
        var students = _s.People.Values.Where(s => !s.IsTeacher && s.InRoom).ToList();
        if (userId is null) return students;
        var one = students.Where(s => s.UserId == userId).ToList();
        return one.Count == 0 ? null : one;
    }

    private string? CameraOf(Guid userId) => _cameras.TryGetValue(userId, out var state) ? state : null;

    /// <summary>A request to the whole class goes to everyone; one to a single student, to them and the teachers.</summary>
    private static string[] CameraAudience(Guid? userId) =>
        userId is { } one ? [Audiences.Teachers, Audiences.User(one)] : [Audiences.All];
}

using System.Security.Claims;
using Lms.Grains.Classroom;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Lms.Server.Classroom;

/// <summary>
/// <c>/hubs/classroom</c>. Thin: it authenticates (the cookie or a bearer token), checks the
/// caller's role in the session once when they join (course staff teach; enrolled students of a
/// published course learn), keeps that role for the connection, and calls the session's
/// <see cref="IClassroomGrain"/>. Every rule is the grain's. Teacher methods refuse students here
/// and again in the grain. A failed command throws a <see cref="HubException"/> whose message is a
/// stable code (<see cref="ClassroomErrors"/>). The methods a student can call often are rate limited per
/// connection, and a person holds at most a few connections (<see cref="ClassroomHubLimits"/>).
/// </summary>
[Authorize]
public sealed partial class ClassroomHub(
    IGrainFactory grains, ClassroomAccess access, ILogger<ClassroomHub> log,
    IOptions<ClassroomHubLimits> limits, ClassroomConnections connections, CallerSeal seal, TimeProvider clock) : Hub
{
    private const string SessionsKey = "classroom.sessions";
    private const string BucketsKey = "classroom.buckets";
    private const string CountedKey = "classroom.counted";
    /// <summary>Buckets one connection may hold (one per recipient of its signalling): more than a peer-to-peer room has people.</summary>
    private const int MaxBuckets = 256;

    public override async Task OnConnectedAsync()
    {
        // The new connection beyond the cap is refused (the server closes it with this code), not the person's oldest.
        if (!connections.TryAdd(Context.User!.Id(), limits.Value.MaxConnectionsPerPerson))
            throw new HubException(ClassroomErrors.TooManyConnections);
        Context.Items[CountedKey] = true;
        await base.OnConnectedAsync();
    }

    public async Task<JoinResult> Join(Guid sessionId, long? lastSeq)
    {
        string role;
        try
        {
            role = (await access.ViewAsync(Context.User!, sessionId)).Role;
        }
        catch (ProblemException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            throw new HubException(ClassroomErrors.NotFound);
        }
        Sessions[sessionId] = role;
        return await Grain(sessionId).Join(Caller(sessionId), lastSeq);
    }

    public async Task Leave(Guid sessionId)
    {
        var caller = Caller(sessionId);
        if (Sessions.Remove(sessionId)) await Grain(sessionId).Leave(caller);
    }

    // Everyone in the room.
    public Task<CommandResult> SendChat(Guid sessionId, string commandId, string text) => Run(sessionId, new SendChat(commandId, text));
    public Task<CommandResult> RaiseHand(Guid sessionId, string commandId) =>
        Throttled("hands", limits.Value.Rates.Hands, () => Run(sessionId, new RaiseHand(commandId)));
    public Task<CommandResult> LowerHand(Guid sessionId, string commandId) =>
        Throttled("hands", limits.Value.Rates.Hands, () => Run(sessionId, new LowerHand(commandId)));
    public Task<CommandResult> React(Guid sessionId, string commandId, string emoji) =>
        Throttled("reactions", limits.Value.Rates.Reactions, () => Run(sessionId, new React(commandId, emoji)));
    public Task<CommandResult> AnswerPoll(Guid sessionId, string commandId, Guid pollId, int[] choices) =>
        Throttled("poll-answers", limits.Value.Rates.PollAnswers, () => Run(sessionId, new AnswerPoll(commandId, pollId, choices)));
    public Task<CommandResult> SetMyMedia(Guid sessionId, string commandId, string mode) => Run(sessionId, new SetMyMedia(commandId, mode));

    /// <summary>WebRTC signalling (hello, offer, answer, ice, bye) to one person in the room; not sequenced.</summary>
    public async Task Signal(Guid sessionId, Guid to, string kind, string payload)
    {
        if (!Sessions.ContainsKey(sessionId)) throw new HubException(ClassroomErrors.NotJoined);
        if ((payload?.Length ?? 0) > limits.Value.MaxSignalChars) throw new HubException(ClassroomErrors.SignalTooLarge);
        Throttle("signal:" + to.ToString("N"), limits.Value.Rates.Signal);
        var result = await Grain(sessionId).Signal(Caller(sessionId), to, kind, payload!);
        if (!result.Ok) throw new HubException(result.Error);
    }

    // Teachers.
    public Task<CommandResult> Start(Guid sessionId, string commandId) => Run(sessionId, new StartSession(commandId));
    public Task<CommandResult> End(Guid sessionId, string commandId) => Run(sessionId, new EndSession(commandId));
    public Task<CommandResult> Admit(Guid sessionId, string commandId, Guid? userId) => Run(sessionId, new Admit(commandId, userId));
    public Task<CommandResult> SetLock(Guid sessionId, string commandId, bool locked) => Run(sessionId, new SetLock(commandId, locked));
    public Task<CommandResult> SetWaitingRoom(Guid sessionId, string commandId, bool enabled) => Run(sessionId, new SetWaitingRoom(commandId, enabled));
    public Task<CommandResult> SetChat(Guid sessionId, string commandId, bool studentsMayChat) => Run(sessionId, new SetChat(commandId, studentsMayChat));
    public Task<CommandResult> SetMediaMode(Guid sessionId, string commandId, string mode) => Run(sessionId, new SetMediaMode(commandId, mode));
    public Task<CommandResult> Mute(Guid sessionId, string commandId, Guid userId) => Run(sessionId, new Mute(commandId, userId));
    public Task<CommandResult> Remove(Guid sessionId, string commandId, Guid userId) => Run(sessionId, new RemoveParticipant(commandId, userId));
    public Task<CommandResult> GiveFloor(Guid sessionId, string commandId, Guid userId, bool allowVideo) =>
        Run(sessionId, new GiveFloor(commandId, userId, allowVideo));
    public Task<CommandResult> TakeFloor(Guid sessionId, string commandId) => Run(sessionId, new TakeFloor(commandId));
    public Task<CommandResult> ClearHand(Guid sessionId, string commandId, Guid userId) => Run(sessionId, new ClearHand(commandId, userId));
    public Task<CommandResult> DeleteChat(Guid sessionId, string commandId, Guid messageId) => Run(sessionId, new DeleteChat(commandId, messageId));
    public Task<CommandResult> OpenPoll(Guid sessionId, string commandId, string question, string[] options, bool multiple, bool anonymous) =>
        Run(sessionId, new OpenPoll(commandId, question, options, multiple, anonymous));
    public Task<CommandResult> ClosePoll(Guid sessionId, string commandId, bool showResults) => Run(sessionId, new ClosePoll(commandId, showResults));
    public Task<CommandResult> StartBreakouts(Guid sessionId, string commandId, int groups, int minutes, Dictionary<Guid, int>? assignments) =>
        Run(sessionId, new StartBreakouts(commandId, groups, minutes, assignments));
    public Task<CommandResult> BroadcastToBreakouts(Guid sessionId, string commandId, string text) =>
        Run(sessionId, new BroadcastToBreakouts(commandId, text));
    public Task<CommandResult> EndBreakouts(Guid sessionId, string commandId) => Run(sessionId, new EndBreakouts(commandId));

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.ContainsKey(CountedKey)) connections.Remove(Context.User!.Id());
        foreach (var sessionId in Sessions.Keys.ToList())
        {
            try
            {
                await Grain(sessionId).Dropped(Context.ConnectionId);
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Could not tell classroom {Session} that a connection dropped", sessionId);
            }
        }
        await base.OnDisconnectedAsync(exception);
    }

    private async Task<CommandResult> Run(Guid sessionId, ClassroomCommand command)
    {
        if (!Sessions.TryGetValue(sessionId, out var role)) throw new HubException(ClassroomErrors.NotJoined);
        if (command is ITeacherCommand && role != ClassroomRoles.Teacher) throw new HubException(ClassroomErrors.Forbidden);
        var result = await Grain(sessionId).Execute(Caller(sessionId), command);
        return result.Ok ? result : throw new HubException(result.Error);
    }

    /// <summary>Refuses the call with <see cref="ClassroomErrors.TooFast"/> when this connection used up its bucket of <paramref name="kind"/>.</summary>
    private void Throttle(string kind, Rate rate)
    {
        if (!Context.Items.TryGetValue(BucketsKey, out var value) || value is not Dictionary<string, TokenBucket> buckets)
            Context.Items[BucketsKey] = buckets = new Dictionary<string, TokenBucket>();
        // A connection's invocations run one at a time (SignalR's default), so its dictionary needs no lock.
        if (!buckets.TryGetValue(kind, out var bucket))
        {
            // Signalling to ever new made-up recipients must not grow the connection's memory without end.
            if (buckets.Count >= MaxBuckets) throw new HubException(ClassroomErrors.TooFast);
            buckets[kind] = bucket = new TokenBucket(rate, clock);
        }
        if (!bucket.TryTake()) throw new HubException(ClassroomErrors.TooFast);
    }

    private Task<T> Throttled<T>(string kind, Rate rate, Func<Task<T>> call)
    {
        Throttle(kind, rate);
        return call();
    }

    private IClassroomGrain Grain(Guid sessionId) => grains.GetGrain<IClassroomGrain>(sessionId);

    /// <summary>Who calls, sealed into the request context of the grain call that follows (<see cref="CallerSeal"/>).</summary>
    private Caller Caller(Guid sessionId, string? fallbackRole = null) => seal.Seal(new(
        Context.User!.Id(), Context.User!.FindFirstValue(ClaimTypes.Name) ?? "",
        Sessions.TryGetValue(sessionId, out var role) ? role : fallbackRole ?? ClassroomRoles.Student, Context.ConnectionId));

    /// <summary>The sessions this connection joined, with the caller's role in each (checked once, at join).</summary>
    private Dictionary<Guid, string> Sessions
    {
        get
        {
            if (Context.Items.TryGetValue(SessionsKey, out var value) && value is Dictionary<Guid, string> sessions) return sessions;
            sessions = new Dictionary<Guid, string>();
            Context.Items[SessionsKey] = sessions;
            return sessions;
        }
    }
}

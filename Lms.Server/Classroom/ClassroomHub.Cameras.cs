using Lms.Grains.Classroom;
using Microsoft.AspNetCore.SignalR;

namespace Lms.Server.Classroom;

/// <summary>
/// The teacher sees the class (<see cref="IClassroomCameras"/>): only the session's teachers ask students to turn
/// cameras on or off (refused here and again in the grain); a student answers for their own camera only; a
/// thumbnail's signalling goes from a student to a teacher or back, never to another student.
/// </summary>
public sealed partial class ClassroomHub
{
    public Task<CommandResult> AskCameras(Guid sessionId, string commandId, Guid? userId) => Run(sessionId, new AskCameras(commandId, userId));
    public Task<CommandResult> StopCameras(Guid sessionId, string commandId, Guid? userId) => Run(sessionId, new StopCameras(commandId, userId));
    public Task<CommandResult> SetMyCamera(Guid sessionId, string commandId, string state) => Run(sessionId, new SetMyCamera(commandId, state));

    /// <summary>The cameras the caller may know of: a teacher every student's, a student their own (after a reload).</summary>
    public Task<IReadOnlyList<CameraState>> Cameras(Guid sessionId)
    {
        if (!Sessions.ContainsKey(sessionId)) throw new HubException(ClassroomErrors.NotJoined);
        return grains.GetGrain<IClassroomCameras>(sessionId).Cameras(Caller(sessionId));
    }

    /// <summary>Signalling for a camera thumbnail's own peer connection (offer, answer, ice, bye); not sequenced.</summary>
    public async Task CameraSignal(Guid sessionId, Guid to, string kind, string payload)
    {
        if (!Sessions.ContainsKey(sessionId)) throw new HubException(ClassroomErrors.NotJoined);
        if ((payload?.Length ?? 0) > limits.Value.MaxSignalChars) throw new HubException(ClassroomErrors.SignalTooLarge);
        Throttle("camera-signal:" + to.ToString("N"), limits.Value.Rates.Signal);
        var result = await grains.GetGrain<IClassroomCameras>(sessionId).CameraSignal(Caller(sessionId), to, kind ?? "", payload!);
        if (!result.Ok) throw new HubException(result.Error);
    }
}

using Microsoft.Extensions.Logging;

namespace Lms.Grains.Classroom;

/// <summary>Raised hands, the floor (a student allowed to speak, perhaps on camera), muting, each person's media choice.</summary>
public sealed partial class ClassroomGrain
{
    /// <summary>In a small room everyone sees the hands; in a big one the teachers and the hand's owner.</summary>
    private string[] HandAudience(ParticipantState p) => SmallRoom ? [Audiences.All] : [Audiences.Teachers, Audiences.User(p.UserId)];

    private CommandResult Hand(ParticipantState p, bool raise, string by = "self")
    {
        if (raise == (p.HandAt is not null)) return Ok();
        if (raise)
        {
            p.HandAt = clock.GetUtcNow();
            return Ok(Emit(ClassroomEvents.HandRaised, new RaisedHand(p.UserId, p.Name, p.HandAt), HandAudience(p)));
        }
        p.HandAt = null;
        return Ok(Emit(ClassroomEvents.HandLowered, new HandLowered(p.UserId, by), HandAudience(p)));
    }

    private async Task<CommandResult> GiveFloorAsync(Guid userId, bool allowVideo)
    {
        if (!_s.People.TryGetValue(userId, out var p) || !p.InRoom || p.IsTeacher) return CommandResult.Fail(ClassroomErrors.NotFound);
        if (_s.Floor is { } previous && previous.UserId != userId) DropFloor();
        _s.Floor = new FloorState(userId, p.Name, allowVideo);
        if (p.HandAt is not null)
        {
            p.HandAt = null;
            Emit(ClassroomEvents.HandLowered, new HandLowered(userId, "floor"), HandAudience(p));
        }
        var seq = Emit(ClassroomEvents.FloorGiven, new FloorView(userId, p.Name, allowVideo), Audiences.All);
        await media.CanPublishChangedAsync(_sessionId, userId, true, allowVideo);
        return Ok(seq);
    }

    private CommandResult TakeFloorCore()
    {
        if (_s.Floor is null) return Ok();
        return Ok(DropFloor());
    }

    private long DropFloor()
    {
        var floor = _s.Floor!;
        _s.Floor = null;
        var seq = Emit(ClassroomEvents.FloorTaken, new UserRef(floor.UserId), Audiences.All);
        _ = media.CanPublishChangedAsync(_sessionId, floor.UserId, false, false).ContinueWith(
            t => log.LogWarning(t.Exception, "Media provider refused to take the floor back"), TaskContinuationOptions.OnlyOnFaulted);
        return seq;
    }

    private async Task<CommandResult> MuteAsync(Guid userId)
    {
        if (!_s.People.TryGetValue(userId, out var p) || !p.InRoom) return CommandResult.Fail(ClassroomErrors.NotFound);
        var seq = Emit(ClassroomEvents.MediaMuted, new UserRef(userId), Audiences.Teachers, Audiences.User(userId));
        await media.MuteAsync(_sessionId, userId);
        return Ok(seq);
    }

    private CommandResult MyMedia(ParticipantState p, string mode)
    {
        if (mode is not ("full" or "low" or "audio")) return CommandResult.Fail(ClassroomErrors.Invalid);
        p.Media = mode;
        return Ok(Emit(ClassroomEvents.ParticipantMedia, new MediaChoice(p.UserId, mode), Audiences.Teachers, Audiences.User(p.UserId)));
    }
}

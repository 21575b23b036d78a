using Microsoft.Extensions.Logging;

namespace Lms.Grains.Classroom;

/// <summary>
/// Chat (in the room or in a breakout group) and reactions. A message is written to the run's chat record before it
/// is shown or acknowledged: a server that dies the next instant loses no message anyone saw (the room's other
/// records are written in the background and rebuilt from the snapshot).
/// </summary>
public sealed partial class ClassroomGrain
{
    private static readonly HashSet<string> Reactions = ["👍", "❤️", "😂", "😮", "👏", "🎉", "❓"];
    private const int ChatKept = 200;

    /// <summary>A big room's reactions since the last tick, by emoji (not kept: they only matter live).</summary>
    private readonly Dictionary<string, int> _pendingReactions = new();

    private async Task<CommandResult> ChatAsync(ParticipantState p, string text)
    {
        text = text?.Trim() ?? "";
        if (text.Length is 0 or > 1000) return CommandResult.Fail(ClassroomErrors.Invalid);
        var now = clock.GetUtcNow();
        if (!p.IsTeacher)
        {
            if (!_s.StudentChat) return CommandResult.Fail(ClassroomErrors.ChatOff);
            if (p.LastChatAt is { } last && now - last < _options.StudentChatInterval) return CommandResult.Fail(ClassroomErrors.TooFast);
        }
        var group = p.IsTeacher ? null : p.Breakout;
        var entry = new ChatEntry(Guid.CreateVersion7(), p.UserId, p.Name, p.Role, text, now, group, false);
        try
        {
            await repository.AppendChatAsync([new ChatRecord(entry.Id, _s.RunId!.Value, p.UserId, group, text, now)]);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not write a chat message of classroom {Session}; the sender is told to try again", _sessionId);
            return CommandResult.Fail(ClassroomErrors.Unavailable);
        }
        p.LastChatAt = now;
        _s.Chat.Add(entry);
        if (_s.Chat.Count > ChatKept * 2) _s.Chat.RemoveRange(0, _s.Chat.Count - ChatKept);
        return Ok(Emit(ClassroomEvents.ChatMessage, ChatView(entry), ClassroomEventLog.ChatAudience(group)), entry.Id.ToString());
    }

    /// <summary>
    /// After a new activation: messages written after the snapshot (acknowledged, and shown, before the old activation
    /// died) are taken back from the run's chat record, so the rebuilt room shows what everyone saw.
    /// </summary>
    private async Task RecoverChatAsync()
    {
        if (_s.RunId is not { } runId || _s.Status != RoomStatuses.Live) return;
        var known = _s.Chat.Select(c => c.Id).ToHashSet();
        var missing = (await repository.ChatLogAsync(runId)).Where(m => !known.Contains(m.Id)).ToList();
        if (missing.Count == 0) return;
        foreach (var m in missing)
        {
            var role = _s.People.TryGetValue(m.UserId, out var p) ? p.Role : ClassroomRoles.Student;
            _s.Chat.Add(new ChatEntry(m.Id, m.UserId, m.DisplayName, role, m.Text, m.SentAt, m.Breakout, m.DeletedAt is not null));
        }
        _s.Chat.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Id.CompareTo(b.Id));
        if (_s.Chat.Count > ChatKept) _s.Chat.RemoveRange(0, _s.Chat.Count - ChatKept);
        log.LogInformation("Classroom {Session}: {Count} chat message(s) written after the last snapshot were taken back", _sessionId, missing.Count);
    }

    private CommandResult DeleteChat(ParticipantState teacher, Guid messageId)
    {
        var index = _s.Chat.FindIndex(c => c.Id == messageId);
        if (index < 0) return CommandResult.Fail(ClassroomErrors.NotFound);
        var entry = _s.Chat[index];
        if (entry.Deleted) return Ok();
        _s.Chat[index] = entry with { Deleted = true };
        _s.PendingDeletions.Add(new ChatDeletion(messageId, teacher.UserId, clock.GetUtcNow()));
        return Ok(Emit(ClassroomEvents.ChatDeleted, new ChatDeleted(messageId), ClassroomEventLog.ChatAudience(entry.Group)));
    }

    private CommandResult React(ParticipantState p, string emoji)
    {
        if (!Reactions.Contains(emoji)) return CommandResult.Fail(ClassroomErrors.Invalid);
        if (SmallRoom) return Ok(Emit(ClassroomEvents.Reaction, new ReactionSent(p.UserId, p.Name, emoji), Audiences.All));
        // In a big room reactions are summed and sent once per tick.
        _pendingReactions[emoji] = _pendingReactions.GetValueOrDefault(emoji) + 1;
        return Ok();
    }

    /// <summary>On the timer: a big room's reactions since the last tick, as one event.</summary>
    private void SendSummedReactions()
    {
        if (_pendingReactions.Count == 0) return;
        Emit(ClassroomEvents.Reactions, new ReactionCounts(new Dictionary<string, int>(_pendingReactions)), Audiences.All);
        _pendingReactions.Clear();
    }
}

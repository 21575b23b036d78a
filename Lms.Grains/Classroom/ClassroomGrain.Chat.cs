namespace Lms.Grains.Classroom;

/// <summary>Chat (in the room or in a breakout group; written to the database in the background) and reactions.</summary>
public sealed partial class ClassroomGrain
{
    private static readonly HashSet<string> Reactions = ["👍", "❤️", "😂", "😮", "👏", "🎉", "❓"];
    private const int ChatKept = 200;

    /// <summary>A big room's reactions since the last tick, by emoji (not kept: they only matter live).</summary>
    private readonly Dictionary<string, int> _pendingReactions = new();

    private CommandResult Chat(ParticipantState p, string text)
    {
        text = text?.Trim() ?? "";
        if (text.Length is 0 or > 1000) return CommandResult.Fail(ClassroomErrors.Invalid);
        var now = clock.GetUtcNow();
        if (!p.IsTeacher)
        {
            if (!_s.StudentChat) return CommandResult.Fail(ClassroomErrors.ChatOff);
            if (p.LastChatAt is { } last && now - last < _options.StudentChatInterval) return CommandResult.Fail(ClassroomErrors.TooFast);
        }
        p.LastChatAt = now;
        var group = p.IsTeacher ? null : p.Breakout;
        var entry = new ChatEntry(Guid.CreateVersion7(), p.UserId, p.Name, p.Role, text, now, group, false);
        _s.Chat.Add(entry);
        if (_s.Chat.Count > ChatKept * 2) _s.Chat.RemoveRange(0, _s.Chat.Count - ChatKept);
        _s.PendingChat.Add(new ChatRecord(entry.Id, _s.RunId!.Value, p.UserId, group, text, now));
        return Ok(Emit(ClassroomEvents.ChatMessage, ChatView(entry), ClassroomEventLog.ChatAudience(group)), entry.Id.ToString());
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

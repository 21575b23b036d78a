using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Lms.Grains.Classroom;

/// <summary>
/// Writes the room to the database: new chat rows and deletions, and the snapshot of the whole room
/// (<c>live_state</c>) that a new activation resumes from. On the timer the snapshot is taken in the
/// grain's turn (a consistent state, pending chat included) and written in the background, one write at a
/// time, so the room goes on taking commands while the database writes; a failed write is tried again on the
/// next tick. Owned by <see cref="ClassroomGrain"/> and called only in its turns; not a grain.
/// </summary>
internal sealed class ClassroomSnapshotWriter(
    Guid sessionId, RoomState state, RecentCommands commands, ClassroomEventLog events,
    LiveSessionRepository repository, TimeProvider clock, ILogger log)
{
    private const int PersistedCommandLimit = 2_000;

    private bool _dirty;
    private Task _saving = Task.CompletedTask;
    private volatile bool _saveFailed;
    private readonly ConcurrentQueue<(List<ChatRecord> Chat, List<ChatDeletion> Deletions)> _failedWrites = new();

    /// <summary>The room changed: the next tick writes a new snapshot.</summary>
    public void MarkChanged() => _dirty = true;

    /// <summary>
    /// The timer's part: takes back what failed to write, and starts writing pending chat and (when the room
    /// changed) the snapshot unless a write is still under way. Chat rows are written with insert-ignore: a row
    /// written twice (after a failure, or from a restored snapshot) is kept once.
    /// </summary>
    public void WriteInBackground()
    {
        while (_failedWrites.TryDequeue(out var failed))
        {
            state.PendingChat.InsertRange(0, failed.Chat);
            state.PendingDeletions.InsertRange(0, failed.Deletions);
            _dirty = true;
        }
        if (_saveFailed)
        {
            _saveFailed = false;
            _dirty = true;
        }
        if (!_saving.IsCompleted || (!_dirty && state.PendingChat.Count == 0 && state.PendingDeletions.Count == 0)) return;
        var (json, seq) = _dirty ? Serialize() : (null, 0L);
        var chat = state.PendingChat.ToList();
        var deletions = state.PendingDeletions.ToList();
        state.PendingChat.Clear();
        state.PendingDeletions.Clear();
        _saving = Task.Run(async () =>
        {
            try
            {
                await repository.AppendChatAsync(chat);
                await repository.MarkChatDeletedAsync(deletions.Select(d => (d.Id, d.By, d.At)).ToList());
            }
            catch (Exception e)
            {
                _failedWrites.Enqueue((chat, deletions));
                log.LogWarning(e, "Could not write classroom {Session}'s chat; will try again", sessionId);
            }
            if (json is null) return;
            try
            {
                await repository.SaveStateAsync(sessionId, seq, json, clock.GetUtcNow());
            }
            catch (Exception e)
            {
                _saveFailed = true;
                log.LogWarning(e, "Could not save classroom {Session}; will try again", sessionId);
            }
        });
    }

    /// <summary>Writes all pending chat now, after any background write (before the run's records are written).</summary>
    public async Task FlushChatAsync()
    {
        await _saving;
        while (_failedWrites.TryDequeue(out var failed))
        {
            state.PendingChat.InsertRange(0, failed.Chat);
            state.PendingDeletions.InsertRange(0, failed.Deletions);
        }
        if (state.PendingChat.Count > 0)
        {
            var batch = state.PendingChat.ToList();
            await repository.AppendChatAsync(batch);
            state.PendingChat.RemoveRange(0, batch.Count);
            _dirty = true;
        }
        if (state.PendingDeletions.Count > 0)
        {
            var batch = state.PendingDeletions.ToList();
            await repository.MarkChatDeletedAsync(batch.Select(d => (d.Id, d.By, d.At)).ToList());
            state.PendingDeletions.RemoveRange(0, batch.Count);
            _dirty = true;
        }
    }

    /// <summary>Saves the snapshot now, after any background write (for start, end and deactivation).</summary>
    public async Task SaveNowAsync()
    {
        await _saving;
        var (json, seq) = Serialize();
        await repository.SaveStateAsync(sessionId, seq, json, clock.GetUtcNow());
    }

    /// <summary>On deactivation: everything not yet written is written now.</summary>
    public async Task FinishAsync()
    {
        await FlushChatAsync();
        await _saving;
        if (_dirty || _saveFailed) await SaveNowAsync();
    }

    private (string Json, long Seq) Serialize()
    {
        state.RecentCommands = commands.Newest(PersistedCommandLimit);
        return events.WithPersistedBuffer(() =>
        {
            _dirty = false;
            return (JsonSerializer.Serialize(state, ClassroomJson.Options), state.Seq);
        });
    }
}

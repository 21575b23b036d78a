using System.Collections.Concurrent;
using Lms.Grains.Classroom;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Lms.Server.Classroom;

/// <summary>
/// Sends a room's events to its SignalR groups without ever waiting for a client.
///
/// The grain hands each event over and returns at once. One sender per session takes them in
/// order and starts a group send for each; it does not await the send's completion.
/// SignalR's default lifetime manager writes the message (serialized once per protocol) into each
/// connection of the group in turn: a connection that keeps up takes it synchronously into its
/// pipe; a connection whose transport is full (a phone that stopped reading, a dead socket) gets a
/// pending write queued behind its own write lock, in order. So one slow client holds only its
/// own queue, never the grain, the sender or the other students; SignalR drops it when its
/// keep-alive times out, and it catches up by replay when it comes back.
///
/// A room is quiet most of a lesson (the teacher talks; nobody clicks). A sender runs only while
/// its queue has work and stops when it is empty; the next write starts it again. A sweep retires
/// the outboxes of rooms quiet for <see cref="ClassroomOptions.SenderIdle"/>, under the outbox's
/// lock, so a write either lands before retirement (and is sent) or sees the outbox retired and
/// goes to a new one. Nothing a send or a membership change throws can stop the sender: it is
/// logged and the next item goes on.
/// </summary>
public sealed class HubClassroomPublisher : IClassroomPublisher, IDisposable
{
    private readonly ConcurrentDictionary<Guid, Outbox> _outboxes = new();
    private readonly IHubContext<ClassroomHub> _hub;
    private readonly ILogger _log;
    private readonly ClassroomOptions _options;
    private readonly TimeProvider _clock;
    private readonly ITimer _sweep;

    public HubClassroomPublisher(IHubContext<ClassroomHub> hub, IOptions<ClassroomOptions> options, TimeProvider clock,
        ILogger<HubClassroomPublisher> log)
    {
        _hub = hub;
        _options = options.Value;
        _clock = clock;
        _log = log;
        var every = _options.SenderIdle > TimeSpan.Zero ? _options.SenderIdle : TimeSpan.FromMinutes(1);
        _sweep = clock.CreateTimer(_ => RetireIdle(), null, every, every);
    }

    public static string Group(Guid sessionId, string audience) => $"cls:{sessionId:N}:{audience}";

    /// <summary>Whether the room has a sender now (it has none after a quiet <see cref="ClassroomOptions.SenderIdle"/>).</summary>
    public bool HasSender(Guid sessionId) => _outboxes.ContainsKey(sessionId);

    public void Publish(Guid sessionId, ClassroomEvent @event, IReadOnlyList<string> audiences) =>
        Enqueue(sessionId, new Outgoing(@event, null, audiences.Select(a => Group(sessionId, a)).ToArray()));

    public void Signal(Guid sessionId, Guid to, SignalMessage message) =>
        Enqueue(sessionId, new Outgoing(null, message, [Group(sessionId, Audiences.User(to))]));

    /// <summary>
    /// Membership changes go through the same ordered sender as the events: an event published
    /// before a connection leaves an audience still reaches it, and one published after it joins
    /// does too. The returned task completes once the change is made, or fails with a
    /// <see cref="TimeoutException"/> after <see cref="ClassroomOptions.DeliveryTimeout"/>: a caller
    /// (the room's grain) is never held longer than that.
    /// </summary>
    public Task SetAudiencesAsync(Guid sessionId, string connectionId, IReadOnlyCollection<string> add, IReadOnlyCollection<string> remove)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(sessionId, new Outgoing(null, null, [], new Membership(connectionId,
            add.Select(a => Group(sessionId, a)).ToArray(), remove.Select(a => Group(sessionId, a)).ToArray(), done)));
        return done.Task.WaitAsync(_options.DeliveryTimeout, _clock);
    }

    public void Dispose() => _sweep.Dispose();

    private void Enqueue(Guid sessionId, Outgoing outgoing)
    {
        while (true)
        {
            var outbox = _outboxes.GetOrAdd(sessionId, id => new Outbox(id, this));
            if (outbox.TryWrite(outgoing)) return;
            _outboxes.TryRemove(new KeyValuePair<Guid, Outbox>(sessionId, outbox)); // it retired meanwhile
        }
    }

    private void RetireIdle()
    {
        try
        {
            var now = _clock.GetTimestamp();
            foreach (var (sessionId, outbox) in _outboxes)
                if (outbox.TryRetire(now, _options.SenderIdle))
                    _outboxes.TryRemove(new KeyValuePair<Guid, Outbox>(sessionId, outbox));
        }
        catch (Exception e)
        {
            // The sweep only frees memory; the next tick tries again.
            _log.LogError(e, "The classroom sender sweep failed");
        }
    }

    private sealed record Outgoing(ClassroomEvent? Event, SignalMessage? Signal, string[] Groups, Membership? Membership = null);

    private sealed record Membership(string ConnectionId, string[] Add, string[] Remove, TaskCompletionSource Done);

    /// <summary>One session's queue and its sender: in order, never awaiting a client.</summary>
    private sealed class Outbox(Guid sessionId, HubClassroomPublisher owner)
    {
        private readonly Queue<Outgoing> _queue = new();
        private readonly Lock _lock = new();
        private bool _sending;
        private bool _retired;
        private long _quietSince = owner._clock.GetTimestamp();

        public bool TryWrite(Outgoing outgoing)
        {
            lock (_lock)
            {
                if (_retired) return false;
                _queue.Enqueue(outgoing);
                if (_sending) return true;
                _sending = true;
            }
            // On the thread pool, so the grain's turn never runs a send.
            _ = Task.Run(SendAllAsync);
            return true;
        }

        public bool TryRetire(long now, TimeSpan idle)
        {
            lock (_lock)
            {
                if (_retired) return true;
                if (_sending || _queue.Count > 0 || owner._clock.GetElapsedTime(_quietSince, now) < idle) return false;
                _retired = true;
                return true;
            }
        }

        /// <summary>Sends until the queue is empty. It cannot throw: every item's failure is caught and logged.</summary>
        private async Task SendAllAsync()
        {
            while (true)
            {
                Outgoing? item;
                lock (_lock)
                {
                    if (!_queue.TryDequeue(out item))
                    {
                        _sending = false;
                        _quietSince = owner._clock.GetTimestamp();
                        return;
                    }
                }
                try
                {
                    if (item.Membership is { } change) await ChangeAsync(change);
                    else Send(item);
                }
                catch (Exception e)
                {
                    owner._log.LogError(e, "The classroom sender of {Session} failed on an item; it goes on with the next", sessionId);
                }
            }
        }

        private async Task ChangeAsync(Membership change)
        {
            try
            {
                // With the Redis backplane a change waits for Redis; a stuck one must not hold the room's later events forever.
                await ApplyAsync(change).WaitAsync(owner._options.DeliveryTimeout, owner._clock);
                change.Done.TrySetResult();
            }
            catch (Exception e)
            {
                owner._log.LogWarning(e, "A classroom membership change for {Session} failed", sessionId);
                change.Done.TrySetException(e);
            }
        }

        private async Task ApplyAsync(Membership change)
        {
            foreach (var group in change.Remove) await owner._hub.Groups.RemoveFromGroupAsync(change.ConnectionId, group);
            foreach (var group in change.Add) await owner._hub.Groups.AddToGroupAsync(change.ConnectionId, group);
        }

        private void Send(Outgoing item)
        {
            var clients = item.Groups.Length == 1 ? owner._hub.Clients.Group(item.Groups[0]) : owner._hub.Clients.Groups(item.Groups);
            var task = item.Event is not null
                ? clients.SendAsync("event", item.Event)
                : clients.SendAsync("signal", item.Signal);
            // Deliberately not awaited (see the class comment); failures are logged.
            if (!task.IsCompletedSuccessfully)
                _ = task.ContinueWith(t => owner._log.LogDebug(t.Exception, "A classroom send failed"),
                    CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }
}

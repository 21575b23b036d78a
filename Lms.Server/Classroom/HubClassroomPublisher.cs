using System.Collections.Concurrent;
using System.Threading.Channels;
using Lms.Grains.Classroom;
using Microsoft.AspNetCore.SignalR;

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
/// </summary>
public sealed class HubClassroomPublisher(IHubContext<ClassroomHub> hub, ILogger<HubClassroomPublisher> log) : IClassroomPublisher
{
    private readonly ConcurrentDictionary<Guid, Outbox> _outboxes = new();
    private readonly IHubContext<ClassroomHub> _hub = hub;
    private readonly ILogger _log = log;

    public static string Group(Guid sessionId, string audience) => $"cls:{sessionId:N}:{audience}";

    public void Publish(Guid sessionId, ClassroomEvent @event, IReadOnlyList<string> audiences) =>
        Enqueue(sessionId, new Outgoing(@event, null, audiences.Select(a => Group(sessionId, a)).ToArray()));

    public void Signal(Guid sessionId, Guid to, SignalMessage message) =>
        Enqueue(sessionId, new Outgoing(null, message, [Group(sessionId, Audiences.User(to))]));

    /// <summary>
    /// Membership changes go through the same ordered sender as the events: an event published
    /// before a connection leaves an audience still reaches it, and one published after it joins
    /// does too. The returned task completes once the change is made.
    /// </summary>
    public Task SetAudiencesAsync(Guid sessionId, string connectionId, IReadOnlyCollection<string> add, IReadOnlyCollection<string> remove)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(sessionId, new Outgoing(null, null, [], new Membership(connectionId,
            add.Select(a => Group(sessionId, a)).ToArray(), remove.Select(a => Group(sessionId, a)).ToArray(), done)));
        return done.Task;
    }

    private void Enqueue(Guid sessionId, Outgoing outgoing)
    {
        while (true)
        {
            var outbox = _outboxes.GetOrAdd(sessionId, id => new Outbox(id, this));
            if (outbox.TryWrite(outgoing)) return;
            _outboxes.TryRemove(new KeyValuePair<Guid, Outbox>(sessionId, outbox)); // it retired meanwhile
        }
    }

    private sealed record Outgoing(ClassroomEvent? Event, SignalMessage? Signal, string[] Groups, Membership? Membership = null);

    private sealed record Membership(string ConnectionId, string[] Add, string[] Remove, TaskCompletionSource Done);

    /// <summary>One session's sender: in order, never awaiting a client; retires after a minute with nothing to send.</summary>
    private sealed class Outbox
    {
        private readonly Channel<Outgoing> _channel = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Guid _sessionId;
        private readonly HubClassroomPublisher _owner;
        private readonly Lock _lock = new();
        private bool _retired;

        public Outbox(Guid sessionId, HubClassroomPublisher owner)
        {
            _sessionId = sessionId;
            _owner = owner;
            _ = Task.Run(PumpAsync);
        }

        public bool TryWrite(Outgoing outgoing)
        {
            lock (_lock) return !_retired && _channel.Writer.TryWrite(outgoing);
        }

        private async Task PumpAsync()
        {
            var reader = _channel.Reader;
            while (true)
            {
                while (reader.TryRead(out var item))
                {
                    if (item.Membership is { } change) await ChangeAsync(change);
                    else Send(item);
                }
                using var idle = new CancellationTokenSource(TimeSpan.FromMinutes(1));
                try
                {
                    if (await reader.WaitToReadAsync(idle.Token)) continue;
                }
                catch (OperationCanceledException)
                {
                    lock (_lock)
                    {
                        if (reader.Count > 0) continue;
                        _retired = true;
                    }
                    _owner._outboxes.TryRemove(new KeyValuePair<Guid, Outbox>(_sessionId, this));
                    return;
                }
            }
        }

        private async Task ChangeAsync(Membership change)
        {
            try
            {
                foreach (var group in change.Remove) await _owner._hub.Groups.RemoveFromGroupAsync(change.ConnectionId, group);
                foreach (var group in change.Add) await _owner._hub.Groups.AddToGroupAsync(change.ConnectionId, group);
                change.Done.TrySetResult();
            }
            catch (Exception e)
            {
                change.Done.TrySetException(e);
            }
        }

        private void Send(Outgoing item)
        {
            try
            {
                var clients = item.Groups.Length == 1 ? _owner._hub.Clients.Group(item.Groups[0]) : _owner._hub.Clients.Groups(item.Groups);
                var task = item.Event is not null
                    ? clients.SendAsync("event", item.Event)
                    : clients.SendAsync("signal", item.Signal);
                // Deliberately not awaited (see the class comment); failures are logged.
                if (!task.IsCompletedSuccessfully)
                    _ = task.ContinueWith(t => _owner._log.LogDebug(t.Exception, "A classroom send failed"),
                        CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
            catch (Exception e)
            {
                _owner._log.LogWarning(e, "Could not send a classroom event for {Session}", _sessionId);
            }
        }
    }
}

using System.Text.Json;

namespace Lms.Grains.Classroom;

/// <summary>What each person sees of the room: the pieces of events and the snapshot a client gets when it joins.</summary>
public sealed partial class ClassroomGrain
{
    private RoomSettings SettingsView() => new(_s.Locked, _s.WaitingRoom, _s.StudentChat, _s.MediaMode);

    private static ParticipantView ParticipantView(ParticipantState p) =>
        new(p.UserId, p.Name, p.Role, p.AwaySince is null, p.HandAt, p.Media, p.Breakout);

    private static ChatLine ChatView(ChatEntry c) => new(c.Id, c.UserId, c.Name, c.Role, c.Deleted ? "" : c.Text, c.At, c.Group, c.Deleted);

    private static RoomPoll PollView(PollState poll, bool forTeacher, Guid? me) => new(
        poll.Id, poll.Question, poll.Options, poll.Multiple, poll.Anonymous, poll.OpenedAt, poll.ClosedAt is not null, poll.Shown,
        forTeacher || poll.Shown ? poll.Counts() : null,
        forTeacher || poll.Shown ? poll.Answers.Count : null,
        me is { } id && poll.Answers.TryGetValue(id, out var a) ? a.Choices : null);

    /// <summary>The room as one person may see it now (JSON).</summary>
    private string Snapshot(ParticipantState me)
    {
        var teacher = me.IsTeacher;
        var small = SmallRoom;
        var inRoom = _s.People.Values.Where(p => p.InRoom).ToList();
        var visiblePeople = teacher || small ? inRoom : inRoom.Where(p => p.IsTeacher || p.UserId == me.UserId || p.UserId == _s.Floor?.UserId).ToList();
        var hands = inRoom.Where(p => p.HandAt is not null && (teacher || small || p.UserId == me.UserId)).OrderBy(p => p.HandAt)
            .Select(p => new RaisedHand(p.UserId, p.Name, p.HandAt)).ToList();
        var poll = _s.Poll ?? (_s.LastPoll is { Shown: true } || teacher ? _s.LastPoll : null);
        BreakoutsView? breakout = null;
        if (_s.Breakout is { } b)
        {
            var groups = Enumerable.Range(1, b.Groups).Where(n => teacher || me.Breakout == n).Select(n => GroupView(n, inRoom)).ToList();
            breakout = new BreakoutsView(groups, b.EndsAt);
        }
        var chat = _s.Chat.Where(c => teacher || c.Group is null || c.Group == me.Breakout).TakeLast(50).Select(ChatView).ToList();
        var waiting = teacher
            ? _s.People.Values.Where(p => !p.Admitted && p.WaitingSince is not null && p.Connected && _s.Status == RoomStatuses.Live && _s.WaitingRoom)
                .OrderBy(p => p.WaitingSince).Select(p => new WaitingPerson(p.UserId, p.Name, p.WaitingSince)).ToList()
            : null;
        return JsonSerializer.Serialize(new RoomSnapshot(
            _s.Seq, _s.Status, _s.RunId, _s.StartedAt, _s.PresenterId, SettingsView(),
            new Myself(me.UserId, me.Role, me.Admitted, me.HandAt, me.Media, me.Breakout, _s.Floor?.UserId == me.UserId),
            inRoom.Count, visiblePeople.Select(ParticipantView).ToList(), waiting, hands,
            _s.Floor is { } f ? new FloorView(f.UserId, f.Name, f.AllowVideo) : null,
            poll is null ? null : PollView(poll, teacher, me.UserId),
            breakout, chat, _s.Broadcast), ClassroomJson.Options);
    }
}

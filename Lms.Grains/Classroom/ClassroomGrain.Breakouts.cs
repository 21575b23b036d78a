namespace Lms.Grains.Classroom;

/// <summary>Breakout groups: students put into groups (chosen or shuffled) for some minutes, each group its own audience.</summary>
public sealed partial class ClassroomGrain
{
    private async Task<CommandResult> StartBreakoutsAsync(StartBreakouts c)
    {
        if (c.Groups is < 2 or > 50 || c.Minutes is < 1 or > 240) return CommandResult.Fail(ClassroomErrors.Invalid);
        if (_s.Breakout is not null) await EndBreakoutsAsync();
        var students = _s.People.Values.Where(p => !p.IsTeacher && p.Admitted && p.OnlineSince is not null).ToList();
        if (c.Assignments is { Count: > 0 } chosen)
        {
            if (chosen.Values.Any(g => g < 1 || g > c.Groups)) return CommandResult.Fail(ClassroomErrors.Invalid);
            foreach (var p in students) p.Breakout = chosen.TryGetValue(p.UserId, out var g) ? g : null;
        }
        else
        {
            var shuffled = students.OrderBy(_ => Random.Shared.Next()).ToList();
            for (var i = 0; i < shuffled.Count; i++) shuffled[i].Breakout = i % c.Groups + 1;
        }
        _s.Breakout = new BreakoutState { Groups = c.Groups, EndsAt = clock.GetUtcNow().AddMinutes(c.Minutes) };
        foreach (var p in students.Where(p => p.Breakout is not null))
        foreach (var connection in p.Connections)
            await ChangeAudiencesAsync(connection, [Audiences.Breakout(p.Breakout!.Value)], []);
        var groups = Enumerable.Range(1, c.Groups).Select(n => GroupView(n, students)).ToList();
        var seq = Emit(ClassroomEvents.BreakoutStarted, new BreakoutsView(groups, _s.Breakout.EndsAt), Audiences.Teachers);
        foreach (var group in groups)
            Emit(ClassroomEvents.BreakoutStarted, new BreakoutsView([group], _s.Breakout.EndsAt), Audiences.Breakout(group.N));
        return Ok(seq);
    }

    private CommandResult BroadcastToBreakouts(ParticipantState teacher, string text)
    {
        text = text?.Trim() ?? "";
        if (_s.Breakout is null) return CommandResult.Fail(ClassroomErrors.Invalid);
        if (text.Length is 0 or > 1000) return CommandResult.Fail(ClassroomErrors.Invalid);
        return Ok(Emit(ClassroomEvents.BreakoutMessage, new BreakoutMessage(text, teacher.Name, clock.GetUtcNow()), Audiences.All));
    }

    private async Task<CommandResult> EndBreakoutsAsync()
    {
        if (_s.Breakout is null) return Ok();
        foreach (var p in _s.People.Values.Where(p => p.Breakout is not null))
        {
            foreach (var connection in p.Connections)
                await ChangeAudiencesAsync(connection, [], [Audiences.Breakout(p.Breakout!.Value)]);
            p.Breakout = null;
        }
        _s.Breakout = null;
        _snapshots.MarkChanged();
        return Ok(Emit(ClassroomEvents.BreakoutEnded, new NoData(), Audiences.All));
    }

    private static BreakoutGroup GroupView(int n, IEnumerable<ParticipantState> people) =>
        new(n, people.Where(p => p.Breakout == n).Select(p => new GroupMember(p.UserId, p.Name)).ToList());
}

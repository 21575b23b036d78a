namespace Lms.Grains.Classroom;

/// <summary>The poll: one open at a time; answers tallied for the teachers; written through to the database when it closes.</summary>
public sealed partial class ClassroomGrain
{
    private async Task<CommandResult> OpenPollAsync(OpenPoll c)
    {
        var question = c.Question?.Trim() ?? "";
        var choices = (c.Options ?? []).Select(o => o?.Trim() ?? "").ToList();
        if (question.Length is 0 or > 500 || choices.Count is < 2 or > 10 || choices.Any(o => o.Length is 0 or > 200))
            return CommandResult.Fail(ClassroomErrors.Invalid);
        if (_s.Poll is not null) await ClosePollAsync(showResults: false);
        _s.Poll = new PollState
        {
            Id = Guid.CreateVersion7(), Question = question, Options = choices, Multiple = c.Multiple, Anonymous = c.Anonymous,
            OpenedAt = clock.GetUtcNow(),
        };
        var seq = Emit(ClassroomEvents.PollOpened, PollView(_s.Poll, forTeacher: false, me: null), Audiences.All);
        return Ok(seq, _s.Poll.Id.ToString());
    }

    private CommandResult Answer(ParticipantState p, Guid pollId, IReadOnlyList<int> choices)
    {
        var poll = _s.Poll;
        if (poll is null || poll.Id != pollId) return CommandResult.Fail(ClassroomErrors.NoPoll);
        var distinct = (choices ?? []).Distinct().Order().ToList();
        if (distinct.Count == 0 || distinct.Any(i => i < 0 || i >= poll.Options.Count) || (!poll.Multiple && distinct.Count != 1))
            return CommandResult.Fail(ClassroomErrors.Invalid);
        // A change before the poll closes replaces the answer.
        poll.Answers[p.UserId] = new PollAnswerRecord(p.UserId, distinct, clock.GetUtcNow());
        var seq = Emit(ClassroomEvents.PollTally, new PollTally(poll.Id, poll.Counts(), poll.Answers.Count), Audiences.Teachers);
        return Ok(seq);
    }

    private async Task<CommandResult> ClosePollAsync(bool showResults)
    {
        if (_s.Poll is not { } poll) return CommandResult.Fail(ClassroomErrors.NoPoll);
        poll.ClosedAt = clock.GetUtcNow();
        poll.Shown = showResults;
        // Written through: the poll and every answer are kept before anyone is told it closed.
        await repository.WritePollAsync(new PollRecord(poll.Id, _s.RunId!.Value, poll.Question, poll.Options, poll.Multiple, poll.Anonymous,
            poll.OpenedAt, poll.ClosedAt.Value, poll.Answers.Values.ToList()));
        _s.Poll = null;
        _s.LastPoll = poll;
        var seq = Emit(ClassroomEvents.PollClosed, new PollClosed(
            poll.Id, showResults, showResults ? poll.Counts() : null, showResults ? poll.Answers.Count : null), Audiences.All);
        if (!showResults)
            Emit(ClassroomEvents.PollResults, new PollTally(poll.Id, poll.Counts(), poll.Answers.Count), Audiences.Teachers);
        return Ok(seq);
    }
}

using System.Text.Json;
using Lms.Grains.Assessment;
using Microsoft.Extensions.Logging;

namespace Lms.Grains.Classroom;

/// <summary>The teacher's commands (launch, close, reveal, leaderboard, clear) and the students' answers, graded and written by group commit.</summary>
public sealed partial class LiveQuizGrain
{
    private async Task<CommandResult> LaunchAsync(Presence teacher, LaunchQuizQuestion c)
    {
        var status = await EnsureFreshAsync(clock.GetUtcNow());
        if (status.Status != RoomStatuses.Live || status.RunId is null) return CommandResult.Fail(ClassroomErrors.NotLive);
        if (c.TimeLimitSeconds is { } limit && (limit < 5 || limit > 600)) return CommandResult.Fail(ClassroomErrors.Invalid);
        var question = await questions.GetAsync(c.QuestionId);
        if (question is null) return CommandResult.Fail(ClassroomErrors.NotFound);
        // The course's institution's questions, and those other institutions share (as a quiz may use).
        if (question.InstitutionId != await InstitutionAsync() && !question.Shared) return CommandResult.Fail(ClassroomErrors.NotFound);
        if (question.Type == QuestionTypes.Essay) return CommandResult.Fail(LiveQuizErrors.NotGradable);
        var content = await questions.ContentAsync(question.Id, question.CurrentVersion);

        if (Current is { Open: true } open)
        {
            var closed = await CloseAsync(open, clock.GetUtcNow());
            if (!closed.Ok) return closed;
        }
        var row = new LiveQuizLaunchRow
        {
            Id = Guid.CreateVersion7(), RunId = _runId!.Value, Position = _launches.Count + 1, QuestionId = question.Id,
            Version = question.CurrentVersion, TimeLimitSeconds = c.TimeLimitSeconds, SpeedBonus = c.SpeedBonus && c.TimeLimitSeconds is not null,
            LaunchedBy = teacher.UserId, LaunchedAt = clock.GetUtcNow(), Title = question.Title,
        };
        await repository.InsertLaunchAsync(row);
        var launch = new Launch { Row = row, Content = content, OptionOrder = LiveQuizViews.OptionOrder(content, row.Id) };
        _launches.Add(launch);
        _stage = LiveQuizStages.Question;
        _tallyDirty = false;
        var seq = await PublishAsync(ClassroomEvents.QuizLaunched, LaunchView(launch), Audiences.All);
        return Ok(seq, row.Id.ToString());
    }

    private async Task<CommandResult> AnswerAsync(Presence student, AnswerQuizQuestion a, DateTimeOffset received)
    {
        var launch = _launches.FirstOrDefault(l => l.Id == a.LaunchId);
        if (launch is null) return CommandResult.Fail(LiveQuizErrors.NoQuestion);
        if (launch.Answers.TryGetValue(student.UserId, out var existing) && existing.AnswerId == a.CommandId)
            return Ok(value: existing.TimeMs.ToString(System.Globalization.CultureInfo.InvariantCulture)); // the same answer again (after a restart)
        // Late: closed by the teacher or the timer, or past the limit and its grace (the timer may not have run yet).
        if (!launch.Open || (launch.Deadline is { } deadline && received > deadline + options.Value.Grace))
            return CommandResult.Fail(LiveQuizErrors.Closed);
        if (!TryRead(a.Response, out var response)) return CommandResult.Fail(ClassroomErrors.Invalid);
        var fraction = Grader.Grade(launch.Content, response).Fraction ?? 0;
        var elapsed = (long)(received - launch.Row.LaunchedAt).TotalMilliseconds;
        if (launch.Row.TimeLimitSeconds is { } limit) elapsed = Math.Min(elapsed, limit * 1000L);
        var timeMs = (int)Math.Clamp(elapsed, 0, int.MaxValue);
        var row = new LiveQuizAnswerRow
        {
            LaunchId = launch.Id, UserId = student.UserId, DisplayName = student.DisplayName, AnswerId = a.CommandId, Response = a.Response,
            AnsweredAt = received, TimeMs = timeMs, Fraction = Math.Round(fraction, 6),
            Points = LiveQuizScoring.Points(fraction, timeMs, launch.Row.TimeLimitSeconds, launch.Row.SpeedBonus),
        };
        // Applied now (before any await), so that a close that comes next waits for this write.
        launch.Answers[student.UserId] = row;
        _tallyDirty = true;
        _scoresVersion++;
        var persist = PersistAsync(launch, row, existing);
        launch.Pending.Add(persist);
        var stored = await persist;
        launch.Pending.RemoveAll(t => t.IsCompleted);
        return stored ? Ok(value: timeMs.ToString(System.Globalization.CultureInfo.InvariantCulture)) : CommandResult.Fail(LiveQuizErrors.Unavailable);
    }

    /// <summary>Writes an answer (group commit); on failure takes it back out of memory, unless a newer one replaced it meanwhile.</summary>
    private async Task<bool> PersistAsync(Launch launch, LiveQuizAnswerRow row, LiveQuizAnswerRow? previous)
    {
        try
        {
            await writer.WriteAsync((connection, transaction) => repository.SaveAnswerAsync(connection, transaction, row));
            return true;
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not store a live quiz answer in session {Session}", _sessionId);
            if (launch.Answers.TryGetValue(row.UserId, out var current) && ReferenceEquals(current, row))
            {
                if (previous is null) launch.Answers.Remove(row.UserId);
                else launch.Answers[row.UserId] = previous;
                _scoresVersion++;
                _tallyDirty = true;
            }
            return false;
        }
    }

    private static bool TryRead(string json, out QuestionResponse response)
    {
        response = new QuestionResponse();
        if (string.IsNullOrWhiteSpace(json) || json.Length > 20_000) return false;
        try
        {
            using (var document = JsonDocument.Parse(json))
                if (document.RootElement.ValueKind != JsonValueKind.Object) return false;
            response = AssessmentJson.Read<QuestionResponse>(json);
            return true;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Refuses answers from now on, waits for those already taken to be written, writes the close, then
    /// tells the room. If the close cannot be written the question stays open (and the teacher is told).
    /// </summary>
    private async Task<CommandResult> CloseAsync(Launch launch, DateTimeOffset closedAt)
    {
        if (!launch.Open) return Ok();
        launch.ClosedAt = closedAt;
        await Task.WhenAll(launch.Pending.ToList());
        launch.Pending.RemoveAll(t => t.IsCompleted);
        try
        {
            await repository.CloseAsync(launch.Id, closedAt);
        }
        catch (Exception e)
        {
            launch.ClosedAt = null;
            log.LogWarning(e, "Could not close live quiz question {Launch}", launch.Id);
            return CommandResult.Fail(LiveQuizErrors.Unavailable);
        }
        _stage = LiveQuizStages.Closed;
        _scoresVersion++;
        var seq = await PublishAsync(ClassroomEvents.QuizClosed, new QuizClosed(launch.Id, closedAt, launch.Answers.Count), Audiences.All);
        return Ok(seq);
    }

    private async Task<CommandResult> RevealAsync()
    {
        if (Current is not { } launch) return CommandResult.Fail(LiveQuizErrors.NoQuestion);
        if (launch.Open)
        {
            var closed = await CloseAsync(launch, clock.GetUtcNow());
            if (!closed.Ok) return closed;
        }
        if (launch.RevealedAt is null)
        {
            var now = clock.GetUtcNow();
            await repository.RevealAsync(launch.Id, now);
            launch.RevealedAt = now;
        }
        launch.Published = true;
        _stage = LiveQuizStages.Results;
        _scoresVersion++;
        return Ok(await PublishAsync(ClassroomEvents.QuizResults, ResultsView(launch), Audiences.All));
    }

    private async Task<CommandResult> LeaderboardAsync()
    {
        if (Current is not { } last) return CommandResult.Fail(LiveQuizErrors.NoQuestion);
        if (last.Open)
        {
            var closed = await CloseAsync(last, clock.GetUtcNow());
            if (!closed.Ok) return closed;
        }
        foreach (var launch in _launches) launch.Published = true;
        _stage = LiveQuizStages.Leaderboard;
        _scoresVersion++;
        return Ok(await PublishAsync(ClassroomEvents.QuizLeaderboard, LeaderboardView(), Audiences.All));
    }

    private async Task<CommandResult> ClearAsync()
    {
        if (Current is { Open: true } open)
        {
            var closed = await CloseAsync(open, clock.GetUtcNow());
            if (!closed.Ok) return closed;
        }
        _stage = LiveQuizStages.Idle;
        return Ok(await PublishAsync(ClassroomEvents.QuizCleared, new NoData(), Audiences.All));
    }
}

namespace Lms.Grains.Assessment;

/// <summary>One question of a submitted attempt whose answer or grade changes under <see cref="AnswerOrder"/>.</summary>
public sealed record SlotOrderChange(int Slot, string? Before, string? After, double? ScoreBefore, double? ScoreAfter, bool Manual);

/// <summary>A submitted attempt that the corrected answer order changes: what a teacher looks at before regrading.</summary>
public sealed record AttemptOrderChange(
    Guid AttemptId, Guid UserId, string DisplayName, int Number, double? ScoreBefore, double? ScoreAfter, IReadOnlyList<SlotOrderChange> Slots);

/// <summary>How many submitted attempts the corrected order changes: the answer shown, and the grade.</summary>
public sealed record AnswerOrderSummary(int Attempts, int AnswerChanged, int ScoreChanged, int Answers, int AnswersWithoutSequence);

/// <summary>
/// Finds the submitted attempts whose current answers, chosen by <see cref="AnswerOrder"/>, differ from what
/// the old rule showed after a reload, or whose stored grade differs from grading those answers: the attempts
/// a teacher should regrade after the fix. The same comparison over the whole database gives the figure of
/// how many existing attempts the new rule changes (<c>./build.sh bench answer-order</c>).
/// </summary>
public sealed class AnswerOrderAudit(AttemptRepository attempts, QuestionRepository questions)
{
    /// <summary>The detail of the "regraded" event such a regrade leaves: a regraded attempt is not listed again for its answers alone.</summary>
    public const string RegradedDetail = "each question's last answer (corrected answer order)";

    public async Task<IReadOnlyList<AttemptOrderChange>> ForQuizAsync(Guid quizId)
    {
        var list = await attempts.ForQuizAsync(quizId);
        var (slots, answers) = await attempts.SubmittedDetailAsync(quizId);
        var contents = new Dictionary<(Guid, int), QuestionContent>();
        foreach (var key in slots.Select(s => (s.QuestionId, s.Version)).Distinct())
            contents[key] = await questions.ContentAsync(key.QuestionId, key.Version);
        var regraded = (await attempts.WithEventAsync(quizId, EventKinds.Regraded, RegradedDetail)).ToHashSet();
        return Compare(list, slots, answers, (id, version) => contents[(id, version)])
            .Where(c => !regraded.Contains(c.AttemptId) || c.Slots.Any(s => s.ScoreBefore != s.ScoreAfter)).ToList();
    }

    public async Task<AnswerOrderSummary> WholeDatabaseAsync()
    {
        int attemptCount = 0, answerChanged = 0, scoreChanged = 0, answerCount = 0, legacy = 0;
        foreach (var quizId in await attempts.QuizzesWithSubmittedAttemptsAsync())
        {
            var changes = await ForQuizAsync(quizId);
            var (_, answers) = await attempts.SubmittedDetailAsync(quizId);
            attemptCount += answers.Select(a => a.AttemptId).Distinct().Count();
            answerCount += answers.Count;
            legacy += answers.Count(a => a.Seq is null);
            answerChanged += changes.Count(c => c.Slots.Any(s => s.Before != s.After));
            scoreChanged += changes.Count(c => c.ScoreBefore != c.ScoreAfter);
        }
        return new AnswerOrderSummary(attemptCount, answerChanged, scoreChanged, answerCount, legacy);
    }

    public static IReadOnlyList<AttemptOrderChange> Compare(
        IReadOnlyList<AttemptListRow> list, IReadOnlyList<SlotRow> slots, IReadOnlyList<AnswerRow> answers, Func<Guid, int, QuestionContent> content)
    {
        var byAttempt = answers.ToLookup(a => a.AttemptId);
        var slotsByAttempt = slots.ToLookup(s => s.AttemptId);
        var result = new List<AttemptOrderChange>();
        foreach (var attempt in list.Where(a => a.Status == AttemptStatuses.Submitted))
        {
            var mine = byAttempt[attempt.Id].ToList();
            var now = AnswerOrder.Current(mine);
            // Only answers stored before the sequence were ever shown by the old rule; a sequenced attempt was graded by this one.
            var before = mine.Any(a => a.Seq is null) ? AnswerOrder.CurrentByTheOldRule(mine) : now;
            var changed = new List<SlotOrderChange>();
            foreach (var slot in slotsByAttempt[attempt.Id].OrderBy(s => s.Slot))
            {
                var after = now.TryGetValue(slot.Slot, out var a) ? AnswerOrder.Canonical(a.Response) : null;
                var old = before.TryGetValue(slot.Slot, out var b) ? AnswerOrder.Canonical(b.Response) : null;
                // A hand-given score stays (regrading leaves it); the teacher sees the changed answer and decides.
                var scoreAfter = slot.Manual ? slot.Score : Grader.SlotScore(content(slot.QuestionId, slot.Version), a?.Response, slot.Points);
                if (after != old || scoreAfter != slot.Score)
                    changed.Add(new SlotOrderChange(slot.Slot, old, after, slot.Score, scoreAfter, slot.Manual));
            }
            if (changed.Count == 0) continue;
            var total = attempt.Score is { } s ? Math.Round(s + changed.Sum(c => (c.ScoreAfter ?? 0) - (c.ScoreBefore ?? 0)), 4) : (double?)null;
            result.Add(new AttemptOrderChange(attempt.Id, attempt.UserId, attempt.DisplayName, attempt.Number, attempt.Score, total, changed));
        }
        return result;
    }
}

using Lms.Grains.Assessment;

namespace Lms.Grains.SchoolYear;

/// <summary>What a refresh of a fed column did: cells filled or updated, cells the teacher had written themselves (kept), students still waiting.</summary>
public sealed record MarkFeedOutcome(int Filled, int Kept, int Waiting, bool Locked);

/// <summary>
/// Fills a regular (ĐĐGtx) column from a quiz of the class's course. A learner's quiz grade (its percentage, by the
/// quiz's own grading method: highest, last or average attempt) becomes a score out of 10 with one decimal: the
/// percentage divided by ten, rounded half away from zero (87.5 % → 8.8; 84.94 % → 8.5). A student with no submitted
/// attempt, or whose attempt still waits for a teacher's marking, is left empty (waiting). A cell the teacher wrote or
/// cleared themselves is kept: the feed only writes an empty cell it never wrote, or a cell still holding what it
/// wrote last. Each cell is saved like a teacher's entry, so a locked term stops the feed.
/// </summary>
public sealed class MarkBookFeed(
    MarkBookFeedRepository feeds, MarkBookRepository marks, QuizRepository quizzes, AttemptRepository attempts, SchoolPeople people)
{
    /// <summary>A quiz percentage (0–100) as a mark book score in tenths (0–100).</summary>
    public static int TenthsOf(double percent) =>
        (int)Math.Round(Math.Clamp(percent, 0, 100), 0, MidpointRounding.AwayFromZero);

    public async Task<MarkFeedOutcome> ApplyAsync(Guid termId, Guid classId, Guid subjectId, string column, Guid quizId, Guid by)
    {
        var quiz = await quizzes.GetAsync(quizId, fresh: true) ?? throw new InvalidOperationException("The quiz is gone.");
        var max = QuizGrades.MaxPoints(quiz.Definition);
        var byStudent = (await attempts.ForCourseAsync(quiz.CourseId)).Where(a => a.QuizId == quizId).ToLookup(a => a.UserId);
        var current = (await marks.SubjectCellsAsync(classId, subjectId))
            .Where(c => c.TermId == termId && c.ColumnKey == column).ToDictionary(c => c.StudentId, c => c.ScoreTenths);
        var fed = (await feeds.FedAsync(termId, classId, subjectId, column)).ToDictionary(c => c.StudentId, c => c.ScoreTenths);
        int filled = 0, kept = 0, waiting = 0;
        foreach (var student in await people.ClassStudentsAsync(classId))
        {
            var grade = QuizGrades.For(quizId, student.Id, quiz.Settings, max, byStudent[student.Id]);
            if (grade.Attempts == 0 || grade.Pending || grade.Percent is not { } percent)
            {
                waiting++;
                continue;
            }
            var mine = current.GetValueOrDefault(student.Id);
            var wrote = fed.TryGetValue(student.Id, out var last) ? last : (int?)null;
            if (mine != wrote)
            {
                kept++;
                continue;
            }
            var tenths = TenthsOf(percent);
            var key = new MarkCellKey(termId, classId, subjectId, student.Id, column);
            var outcome = await marks.SaveAsync(key, new MarkValue(tenths / 10m, null), by, reason: null);
            if (outcome == MarkSaveOutcome.LockedNeedsReason) return new MarkFeedOutcome(filled, kept, waiting, Locked: true);
            if (wrote != tenths) await feeds.NoteFedAsync(key, tenths);
            if (outcome == MarkSaveOutcome.Saved) filled++;
        }
        return new MarkFeedOutcome(filled, kept, waiting, Locked: false);
    }
}

using Lms.Grains.Courses;

namespace Lms.Grains.Assessment;

/// <summary>
/// Quizzes in a course's completion and grading rules: a quiz item is completed once the learner has
/// passed it, and scores the learner's grade on it (by the quiz's grading method; 0–1) once they have
/// submitted an attempt.
/// </summary>
public sealed class QuizItemStateSource(AttemptRepository attempts, QuizRepository quizzes) : IItemStateSource
{
    public bool Handles(string kind) => kind == QuizRepository.ItemKind;

    public async Task<IReadOnlyDictionary<Guid, ItemState>> StatesAsync(LearnerItems learner, IReadOnlyList<ItemRow> items)
    {
        var states = new Dictionary<Guid, ItemState>();
        foreach (var item in items)
        {
            var quiz = item.RefId is { } id ? await quizzes.GetAsync(id) : null;
            if (quiz is null)
            {
                states[item.Id] = new ItemState(false, null);
                continue;
            }
            var mine = await attempts.ForLearnerAsync(quiz.Id, learner.UserId);
            var grade = QuizGrades.For(quiz.Id, learner.UserId, quiz.Settings, QuizGrades.MaxPoints(quiz.Definition),
                mine.Select(a => new AttemptListRow
                {
                    Id = a.Id, Number = a.Number, Status = a.Status, Score = a.Score, MaxScore = a.MaxScore, NeedsGrading = a.NeedsGrading,
                }));
            states[item.Id] = new ItemState(grade.Passed, grade.Attempts > 0 ? grade.Percent / 100 : null);
        }
        return states;
    }
}

/// <summary>
/// Quizzes in a copied course (another class, next year, a MOOC re-run): the copy gets its own quiz (same
/// settings and references to the same bank questions, no attempts), so attempts and grades never mix.
/// </summary>
public sealed class QuizCopier(QuizRepository quizzes) : IItemCopier
{
    public bool Handles(string kind) => kind == QuizRepository.ItemKind;

    public async Task<Guid?> CopyAsync(ItemRow item, Guid toCourseId) =>
        item.RefId is { } id ? await quizzes.CopyAsync(id, toCourseId) : null;
}

using System.Security.Cryptography;
using System.Text;

namespace Lms.Grains.Assessment;

public sealed class DrawException(string message) : Exception(message);

/// <summary>
/// Draws an attempt's questions: fixed ones, random ones from the bank, the order of questions and of
/// options, all from one seed. The seed comes from the quiz, the student and the attempt number, so the
/// same attempt always draws the same (as long as the bank is the same); the result is stored with the attempt.
/// </summary>
public static class Drawing
{
    public static int SeedFor(Guid quizId, Guid userId, int number)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{quizId:N}/{userId:N}/{number}"));
        return BitConverter.ToInt32(hash, 0) & int.MaxValue;
    }

    public static async Task<IReadOnlyList<SlotPlan>> DrawAsync(Quiz quiz, int seed, QuestionRepository questions)
    {
        var rng = new Random(seed);
        var used = quiz.Definition.Sections.SelectMany(s => s.Items)
            .Where(i => i.Kind == SlotKinds.Fixed && i.QuestionId is not null).Select(i => i.QuestionId!.Value).ToHashSet();
        var plans = new List<(string? Section, Guid Id, int Version, double Points)>();
        foreach (var section in quiz.Definition.Sections)
        {
            var inSection = new List<(string? Section, Guid Id, int Version, double Points)>();
            foreach (var item in section.Items)
            {
                if (item.Kind == SlotKinds.Random)
                {
                    var candidates = (await questions.CandidatesAsync(quiz.InstitutionId, item)).Where(c => !used.Contains(c.Id)).ToList();
                    if (candidates.Count < item.Count)
                        throw new DrawException($"The bank has {candidates.Count} question(s) matching a random draw that needs {item.Count}.");
                    for (var i = 0; i < item.Count; i++)
                    {
                        var k = i + rng.Next(candidates.Count - i);
                        (candidates[i], candidates[k]) = (candidates[k], candidates[i]);
                        used.Add(candidates[i].Id);
                        inSection.Add((section.Title, candidates[i].Id, candidates[i].CurrentVersion, item.Points));
                    }
                }
                else
                {
                    var id = item.QuestionId ?? throw new DrawException("A fixed question has no question id.");
                    var version = await questions.CurrentVersionAsync(id) ?? throw new DrawException($"Question {id} is no longer in the bank.");
                    inSection.Add((section.Title, id, version, item.Points));
                }
            }
            if (quiz.Settings.ShuffleQuestions) Shuffle(inSection, rng);
            plans.AddRange(inSection);
        }
        var result = new List<SlotPlan>();
        for (var i = 0; i < plans.Count; i++)
        {
            var p = plans[i];
            var content = await questions.ContentAsync(p.Id, p.Version);
            result.Add(new SlotPlan(i + 1, string.IsNullOrWhiteSpace(p.Section) ? null : p.Section, p.Id, p.Version, p.Points,
                OptionOrder(content, quiz.Settings.ShuffleOptions, rng)));
        }
        return result;
    }

    /// <summary>The order options are shown in. Matching answers and ordering items are always shuffled (else the answer shows).</summary>
    public static IReadOnlyList<string>? OptionOrder(QuestionContent q, bool shuffleOptions, Random rng)
    {
        switch (q.Type)
        {
            case QuestionTypes.Single or QuestionTypes.Multiple when q.Choices is not null:
            {
                var ids = q.Choices.Select(c => c.Id).ToList();
                if (shuffleOptions) Shuffle(ids, rng);
                return ids;
            }
            case QuestionTypes.Matching when q.Pairs is not null:
            {
                var answers = q.Pairs.Select(p => p.Answer).Concat(q.Distractors ?? []).Distinct().ToList();
                Shuffle(answers, rng);
                return answers;
            }
            case QuestionTypes.Ordering when q.Items is not null:
            {
                var ids = q.Items.Select(i => i.Id).ToList();
                Shuffle(ids, rng);
                if (ids.Count > 1 && ids.SequenceEqual(q.Items.Select(i => i.Id))) (ids[0], ids[^1]) = (ids[^1], ids[0]);
                return ids;
            }
            default:
                return null;
        }
    }

    private static void Shuffle<T>(IList<T> list, Random rng)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var k = rng.Next(i + 1);
            (list[i], list[k]) = (list[k], list[i]);
        }
    }
}

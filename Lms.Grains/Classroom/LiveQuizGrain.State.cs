using System.Text.Json;

namespace Lms.Grains.Classroom;

/// <summary>What a client sees of the quiz: the whole state after each (re)join, and the views its events carry.</summary>
public sealed partial class LiveQuizGrain
{
    // ------------------------------------------------------------------ the state a client asks for after (re)joining

    public async Task<string> GetState(Caller caller)
    {
        var person = await InRoomAsync(caller, clock.GetUtcNow());
        if (person is null) return JsonSerializer.Serialize(new { seq = _lastSeq, stage = LiveQuizStages.Idle, joined = false }, ClassroomJson.Options);
        var teacher = person.Role == ClassroomRoles.Teacher;
        var current = Current;
        object? question = null;
        if (current is not null && _stage != LiveQuizStages.Idle)
        {
            question = new
            {
                launch = LaunchView(current),
                closed = !current.Open,
                closedAt = current.ClosedAt,
                answered = teacher || !current.Open ? current.Answers.Count : (int?)null,
                // Teachers watch how the class is answering while the question is open.
                distribution = teacher ? ResultsView(current).Distribution : null,
                results = current.RevealedAt is not null ? ResultsView(current) : null,
            };
        }
        object? mine = null, me = null;
        if (!teacher)
        {
            if (current is not null && current.Answers.TryGetValue(person.UserId, out var answer))
            {
                var shown = current.RevealedAt is not null || (current.Published && !current.Open);
                mine = new
                {
                    launchId = current.Id, response = JsonDocument.Parse(answer.Response).RootElement, answeredAt = answer.AnsweredAt,
                    timeMs = answer.TimeMs,
                    fraction = shown ? answer.Fraction : (double?)null,
                    points = shown ? answer.Points : (int?)null,
                    correct = shown ? LiveQuizScoring.Correct(answer.Fraction) : (bool?)null,
                };
            }
            var standing = Standings(publishedOnly: true).FirstOrDefault(s => s.UserId == person.UserId);
            me = new
            {
                points = standing?.Points ?? 0, correct = standing?.Correct ?? 0, answered = standing?.Answered ?? 0, rank = standing?.Rank,
                players = Standings(publishedOnly: true).Count,
            };
        }
        return JsonSerializer.Serialize(new
        {
            seq = _lastSeq, joined = true, serverNow = clock.GetUtcNow(), stage = _stage, runId = _runId, questions = _launches.Count,
            question, mine, me,
            leaderboard = _stage == LiveQuizStages.Leaderboard ? LeaderboardView() : null,
            inRoom = teacher ? StudentsInRoom() : (int?)null,
        }, ClassroomJson.Options);
    }

    // ------------------------------------------------------------------ views

    private static LiveQuizLaunch LaunchView(Launch launch)
    {
        var row = launch.Row;
        return new LiveQuizLaunch(row.Id, row.Position, row.TimeLimitSeconds, row.SpeedBonus, row.LaunchedAt, launch.Deadline, LiveQuizScoring.MaxPoints,
            LiveQuizViews.StudentView(row.Position, launch.Content, launch.OptionOrder));
    }

    private static LiveQuizResults ResultsView(Launch launch) => LiveQuizViews.Results(launch.Row, launch.Content, launch.OptionOrder, launch.Answers.Values);

    private LiveQuizLeaderboard LeaderboardView()
    {
        var list = Standings(publishedOnly: false);
        return new LiveQuizLeaderboard(
            _launches.LastOrDefault(l => !l.Open)?.Row.Position ?? 0,
            _launches.Count(l => !l.Open),
            list.Count,
            list.Take(10).Select(s => new LeaderboardEntry(s.Rank, s.UserId, s.DisplayName, s.Points, s.Correct, s.Answered)).ToList());
    }

    /// <summary>Everyone's points over the closed questions (or only the published ones): what the leaderboard and each student's rank say.</summary>
    private List<LiveQuizStanding> Standings(bool publishedOnly)
    {
        if (_standings.TryGetValue(publishedOnly, out var cached) && cached.Version == _scoresVersion) return cached.List;
        var list = LiveQuizViews.Standings(_launches.Where(l => !l.Open && (!publishedOnly || l.Published)).SelectMany(l => l.Answers.Values));
        _standings[publishedOnly] = (_scoresVersion, list);
        return list;
    }
}

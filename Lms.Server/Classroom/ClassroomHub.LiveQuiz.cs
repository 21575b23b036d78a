using Lms.Grains.Classroom;
using Microsoft.AspNetCore.SignalR;

namespace Lms.Server.Classroom;

/// <summary>
/// The live quiz on the classroom's own connection (a phone keeps one socket): the teacher launches bank
/// questions, closes them, shows results and the leaderboard; students answer. Same rules as the room's
/// commands: the caller must have joined the session on this connection, teachers' commands are refused
/// to students here and again in <see cref="ILiveQuizGrain"/>, a failure is a <see cref="HubException"/>
/// whose message ends with a stable code (<see cref="LiveQuizErrors"/>, <see cref="ClassroomErrors"/>).
/// </summary>
public sealed partial class ClassroomHub
{
    // Teachers.
    public Task<CommandResult> LaunchQuizQuestion(Guid sessionId, string commandId, Guid questionId, int? timeLimitSeconds, bool speedBonus) =>
        RunQuiz(sessionId, new LaunchQuizQuestion(commandId, questionId, timeLimitSeconds, speedBonus));
    public Task<CommandResult> CloseQuizQuestion(Guid sessionId, string commandId) => RunQuiz(sessionId, new CloseQuizQuestion(commandId));
    public Task<CommandResult> RevealQuizResults(Guid sessionId, string commandId) => RunQuiz(sessionId, new RevealQuizResults(commandId));
    public Task<CommandResult> ShowQuizLeaderboard(Guid sessionId, string commandId) => RunQuiz(sessionId, new ShowQuizLeaderboard(commandId));
    public Task<CommandResult> ClearQuiz(Guid sessionId, string commandId) => RunQuiz(sessionId, new ClearQuiz(commandId));

    // Students: <paramref name="response"/> is the question's response as JSON (as in a quiz attempt).
    public Task<CommandResult> AnswerQuiz(Guid sessionId, string commandId, Guid launchId, string response) =>
        Throttled("quiz-answers", limits.Value.Rates.QuizAnswers, () => RunQuiz(sessionId, new AnswerQuizQuestion(commandId, launchId, response ?? "")));

    /// <summary>The quiz as the caller may see it now (JSON with the number of the last quiz event it reflects): asked after each join.</summary>
    public async Task<string> QuizState(Guid sessionId)
    {
        if (!Sessions.ContainsKey(sessionId)) throw new HubException(ClassroomErrors.NotJoined);
        return await grains.GetGrain<ILiveQuizGrain>(sessionId).GetState(Caller(sessionId));
    }

    private async Task<CommandResult> RunQuiz(Guid sessionId, LiveQuizCommand command)
    {
        if (!Sessions.TryGetValue(sessionId, out var role)) throw new HubException(ClassroomErrors.NotJoined);
        if (command is ITeacherCommand && role != ClassroomRoles.Teacher) throw new HubException(ClassroomErrors.Forbidden);
        var result = await grains.GetGrain<ILiveQuizGrain>(sessionId).Execute(Caller(sessionId), command);
        return result.Ok ? result : throw new HubException(result.Error);
    }
}

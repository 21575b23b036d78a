using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Lms.Grains.Assessment;
using Lms.Server.Courses;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lms.Server.Assessment;

/// <summary>Start or resume; <paramref name="ClientNow"/> is the device's own clock, for its offset from the server's.</summary>
public sealed record StartRequest([property: StringLength(64)] string? DeviceId, DateTimeOffset? ClientNow = null);

public sealed record OptionView(string Id, string Text);

/// <summary>A question as the student sees it: no right answers, options in the attempt's order.</summary>
public sealed record StudentQuestion(
    int Slot, string? Section, double Points, string Type, string Stem,
    IReadOnlyList<OptionView>? Choices, IReadOnlyList<OptionView>? Prompts, IReadOnlyList<string>? Answers,
    IReadOnlyList<OptionView>? Items, IReadOnlyList<BlankView>? Blanks);

public sealed record BlankView(string Id, string Kind, IReadOnlyList<OptionView>? Choices);

public sealed record AttemptView(
    Guid Id, Guid QuizId, string QuizTitle, Guid CourseId, int Number, string Status, DateTimeOffset StartedAt,
    DateTimeOffset? DeadlineAt, DateTimeOffset ServerNow, double GraceSeconds, DateTimeOffset? SubmittedAt, string Layout,
    bool RequireFullScreen, IReadOnlyList<StudentQuestion> Questions, IReadOnlyDictionary<int, JsonElement> Responses,
    IReadOnlyList<int> Flagged, bool Owner, bool ReviewAvailable);

public sealed record AnswerItemRequest(Guid AnswerId, int Slot, JsonElement Response, DateTimeOffset? ClientTime);

/// <summary>
/// A batch of answers. <paramref name="ClientNow"/>: the device's clock as it sent the batch (the clock its
/// <c>clientTime</c>s are on). <paramref name="Queued"/>: the answers come from the device's offline queue,
/// the oldest held there <paramref name="HeldMs"/> milliseconds by the device's own count.
/// </summary>
public sealed record AnswersRequest(
    [property: StringLength(64)] string? DeviceId, [property: Required] IReadOnlyList<AnswerItemRequest> Answers,
    DateTimeOffset? ClientNow = null, bool? Queued = null, [property: Range(0, 30L * 24 * 3600 * 1000)] long? HeldMs = null);

public sealed record AnswersResult(IReadOnlyList<Guid> Accepted, IReadOnlyList<RefusedAnswer> Refused, DateTimeOffset ServerNow,
    DateTimeOffset? DeadlineAt, string Status);

public sealed record FlagRequest([property: StringLength(64)] string? DeviceId, int Slot, bool Flagged);

public sealed record EventsRequest([property: StringLength(64)] string? DeviceId, [property: Required] IReadOnlyList<ClientEvent> Events);

public sealed record ReviewQuestion(
    StudentQuestion Question, JsonElement? Response, double? Score, double Points, string? RightAnswer,
    IReadOnlyList<string>? Feedback, string? Comment, bool NeedsGrading);

public sealed record ReviewView(
    Guid Id, Guid QuizId, string QuizTitle, Guid CourseId, string StudentName, int Number, string Status, DateTimeOffset StartedAt,
    DateTimeOffset? SubmittedAt, string? SubmittedBy, double? Score, double MaxScore, double? Percent, bool? Passed, bool NeedsGrading,
    bool ScoresVisible, bool AnswersVisible, string? OverallFeedback, IReadOnlyList<ReviewQuestion> Questions);

public sealed record GradeSlotRequest([property: Range(0, 1000)] double Score, [property: StringLength(4000)] string? Comment);

public sealed record RegradeRequest(Guid? QuestionId);

public sealed record RegradeResult(int Attempts);

/// <summary>Which attempts to regrade after the answer order was corrected; none named: every one that changes.</summary>
public sealed record AnswerOrderRegradeRequest(IReadOnlyList<Guid>? AttemptIds);

public static class AttemptEndpoints
{
    public static void MapAttemptEndpoints(this RouteGroupBuilder api)
    {
        var quiz = api.MapGroup("/quizzes/{quizId:guid}").ProducesProblems(404).WithTags("Attempts");
        quiz.MapPost("/attempts", Start).WithSummary("Start an attempt, or resume the one in progress (on any device).")
            .ProducesProblems(403, 409, 400);
        quiz.MapGet("/attempts", ForQuiz).ProducesProblems(403).WithSummary("Every attempt at the quiz (teachers).");
        quiz.MapGet("/statistics", Statistics).WithSummary("Facility and discrimination per question, response distribution, score histogram.")
            .ProducesProblems(403);
        quiz.MapPost("/regrade", Regrade).ProducesProblems(403, 400).WithSummary("Regrade submitted attempts with the questions' current versions.");
        quiz.MapGet("/answer-order", AnswerOrderChanges).ProducesProblems(403)
            .WithSummary("Submitted attempts whose answer or grade changes now that each question's last answer counts (teachers).");
        quiz.MapPost("/answer-order/regrade", RegradeAnswerOrder).ProducesProblems(403, 400)
            .WithSummary("Regrade those attempts (all of them, or the ones named) with each question's last answer.");

        var attempt = api.MapGroup("/attempts/{attemptId:guid}").ProducesProblems(404).WithTags("Attempts");
        attempt.MapGet("", Get).WithSummary("The attempt: questions, saved responses, flags, deadline and the server's time.");
        attempt.MapPost("/answers", Answer).WithSummary("Save answers (online, or synced from offline). Each is stored once, before it is acknowledged.")
            .Produces<AnswersResult>().ProducesProblems(403, 400, 409);
        attempt.MapPost("/flags", Flag).ProducesProblems(403, 400).WithSummary("Flag a question for review, or unflag it.");
        attempt.MapPost("/events", Events).WithSummary("Report integrity signals from the page (tab hidden, full screen left, paste).")
            .ProducesProblems(403, 400);
        attempt.MapPost("/submit", Submit).ProducesProblems(403).WithSummary("Submit the attempt; it is graded at once (essays wait for a teacher).");
        attempt.MapGet("/review", Review).WithSummary("The submitted attempt with scores, right answers and feedback, as the quiz allows.")
            .ProducesProblems(409);
        attempt.MapGet("/timeline", Timeline).ProducesProblems(403).WithSummary("What happened during the attempt (teachers).");
        attempt.MapPost("/slots/{slot:int}/grade", GradeSlot).WithSummary("Grade one question by hand (essays), with a comment.")
            .ProducesProblems(403, 409, 400);
    }

    private static IQuizAttemptGrain Grain(IGrainFactory grains, Guid id) => grains.GetGrain<IQuizAttemptGrain>(id);

    private static async Task<AttemptView> Start(
        Guid quizId, StartRequest? request, HttpContext http, AssessmentAccess access, IGrainFactory grains,
        QuestionRepository questions, IOptions<AssessmentOptions> options, TimeProvider clock)
    {
        var context = await access.QuizAsync(http, quizId);
        if (!context.Course.CanLearn) throw ProblemException.Forbidden("Only the course's students take its quizzes.");
        await WorkWindows.RequireOpenAsync(http.RequestServices, context.Quiz.CourseId, context.Course.UserId, refId: quizId);
        var result = await grains.GetGrain<IQuizLearnerGrain>(QuizLearnerKey.For(quizId, context.Course.UserId)).StartOrResume(request?.DeviceId);
        if (result.AttemptId is not { } attemptId)
            throw new ProblemException(StatusCodes.Status409Conflict, ProblemTypes.QuizUnavailable, "The quiz cannot be started now.",
                result.Message, new Dictionary<string, object?> { ["reason"] = result.Error });
        var state = await Grain(grains, attemptId).Open(request?.DeviceId, request?.ClientNow);
        access.RememberStart(context, state);
        return await ViewAsync(state, context.Quiz, owner: true, questions, options.Value, clock);
    }

    private static async Task<AttemptView> Get(
        Guid attemptId, string? deviceId, DateTimeOffset? clientNow, HttpContext http, AssessmentAccess access, IGrainFactory grains,
        QuestionRepository questions, IOptions<AssessmentOptions> options, TimeProvider clock)
    {
        var context = await access.AttemptAsync(http, attemptId);
        var state = await Grain(grains, attemptId).Open(context.Owner ? deviceId : null, context.Owner ? clientNow : null);
        return await ViewAsync(state, context.Quiz, context.Owner, questions, options.Value, clock);
    }

    public static async Task<AttemptView> ViewAsync(AttemptState state, Quiz quiz, bool owner, QuestionRepository questions, AssessmentOptions options, TimeProvider clock)
    {
        var list = new List<StudentQuestion>();
        foreach (var slot in state.Slots)
            list.Add(ForStudent(slot, await questions.ContentAsync(slot.QuestionId, slot.Version)));
        var responses = state.Responses.ToDictionary(kv => kv.Key, kv => JsonDocument.Parse(kv.Value).RootElement.Clone());
        return new AttemptView(state.Id, quiz.Id, quiz.Title, quiz.CourseId, state.Number, state.Status, state.StartedAt, state.DeadlineAt,
            state.ServerNow, options.DeadlineGrace.TotalSeconds, state.SubmittedAt, quiz.Settings.Layout, quiz.Settings.RequireFullScreen,
            list, responses, state.Flagged, owner, !state.InProgress);
    }

    public static StudentQuestion ForStudent(SlotPlan slot, QuestionContent q)
    {
        var order = slot.OptionOrder;
        IReadOnlyList<OptionView>? choices = null, prompts = null, items = null;
        IReadOnlyList<string>? answers = null;
        IReadOnlyList<BlankView>? blanks = null;
        switch (q.Type)
        {
            case QuestionTypes.Single or QuestionTypes.Multiple:
                var byId = q.Choices!.ToDictionary(c => c.Id);
                choices = (order ?? q.Choices!.Select(c => c.Id).ToList()).Where(byId.ContainsKey).Select(id => new OptionView(id, byId[id].Text)).ToList();
                break;
            case QuestionTypes.Matching:
                prompts = q.Pairs!.Select(p => new OptionView(p.Id, p.Prompt)).ToList();
                answers = order ?? q.Pairs!.Select(p => p.Answer).Concat(q.Distractors ?? []).Distinct().Order().ToList();
                break;
            case QuestionTypes.Ordering:
                var itemsById = q.Items!.ToDictionary(i => i.Id);
                items = (order ?? q.Items!.Select(i => i.Id).Reverse().ToList()).Where(itemsById.ContainsKey)
                    .Select(id => new OptionView(id, itemsById[id].Text)).ToList();
                break;
            case QuestionTypes.Cloze:
                blanks = q.Blanks!.Select(b => new BlankView(b.Id, b.Kind,
                    b.Kind == BlankKinds.Choice ? b.Choices!.Select(c => new OptionView(c.Id, c.Text)).ToList() : null)).ToList();
                break;
        }
        return new StudentQuestion(slot.Slot, slot.Section, slot.Points, q.Type, q.Stem, choices, prompts, answers, items, blanks);
    }

    private static async Task<IResult> Answer(
        Guid attemptId, AnswersRequest request, HttpContext http, AssessmentAccess access, IGrainFactory grains)
    {
        var context = await access.OwnAttemptAsync(http, attemptId);
        // An attempt begun before the run's end (or the quiz's due date) takes no answers after it, unless the learner was extended.
        await WorkWindows.RequireOpenAsync(http.RequestServices, context.Quiz.CourseId, context.UserId, refId: context.Quiz.Id);
        if (request.Answers.Count is 0 or > 500) throw ProblemException.Invalid("answers", "Send 1 to 500 answers at a time.");
        var inputs = request.Answers.Select(a => new AnswerInput(a.AnswerId, a.Slot,
            a.Response.ValueKind == JsonValueKind.Object ? a.Response.GetRawText() : "null", a.ClientTime)).ToList();
        if (inputs.Any(i => i.AnswerId == Guid.Empty)) throw ProblemException.Invalid("answerId", "Every answer carries the client's own id.");
        var batch = new AnswerBatch(request.DeviceId, request.ClientNow, request.Queued ?? false, request.HeldMs);
        var outcome = await Grain(grains, attemptId).Answer(batch, inputs);
        var result = new AnswersResult(outcome.Accepted, outcome.Refused, outcome.State.ServerNow, outcome.State.DeadlineAt, outcome.State.Status);
        if (outcome.Accepted.Count == 0 && outcome.Refused.Count > 0)
        {
            var first = outcome.Refused[0];
            return TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status409Conflict, Type = ProblemTypes.AnswerRefused, Title = "The answer was not accepted.",
                Detail = first.Message,
                Extensions = { ["code"] = first.Code, ["refused"] = outcome.Refused, ["attemptStatus"] = outcome.State.Status, ["serverNow"] = outcome.State.ServerNow },
            });
        }
        return TypedResults.Ok(result);
    }

    private static async Task<NoContent> Flag(Guid attemptId, FlagRequest request, HttpContext http, AssessmentAccess access, IGrainFactory grains)
    {
        await access.OwnAttemptAsync(http, attemptId);
        await Grain(grains, attemptId).Flag(request.DeviceId, request.Slot, request.Flagged);
        return TypedResults.NoContent();
    }

    /// <summary>What the attempt_events.detail column holds.</summary>
    private const int MaxEventDetail = 1000;

    private static async Task<NoContent> Events(Guid attemptId, EventsRequest request, HttpContext http, AssessmentAccess access, IGrainFactory grains)
    {
        await access.OwnAttemptAsync(http, attemptId);
        if (request.Events.Count > 100) throw ProblemException.Invalid("events", "At most 100 events at a time.");
        foreach (var e in request.Events)
        {
            // Only the page's own signals are recorded: anything else is a crafted request, refused whole.
            if (e is null || !EventKinds.FromClient.Contains(e.Kind ?? ""))
                throw ProblemException.Invalid("events", "An event's kind is one of the page's signals.", "event-kind");
            if (e.Detail is { Length: > MaxEventDetail })
                throw ProblemException.Invalid("events", $"An event's detail is at most {MaxEventDetail} characters.", "event-detail-too-long");
        }
        if (!await Grain(grains, attemptId).Report(request.DeviceId, request.Events))
            throw new ProblemException(StatusCodes.Status409Conflict, ProblemTypes.AttemptClosed, "The attempt is closed",
                "The attempt was submitted: it takes no more events.", new Dictionary<string, object?> { ["code"] = RefusalCodes.Closed });
        return TypedResults.NoContent();
    }

    private static async Task<ReviewView> Submit(
        Guid attemptId, HttpContext http, AssessmentAccess access, IGrainFactory grains, QuestionRepository questions,
        Lms.Grains.Identity.UserRepository users, TimeProvider clock, AttemptRepository attempts)
    {
        var context = await access.OwnAttemptAsync(http, attemptId);
        var state = await Grain(grains, attemptId).Submit(SubmittedBy.Student);
        return await ReviewAsync(context, state, questions, users, clock, attempts);
    }

    private static async Task<ReviewView> Review(
        Guid attemptId, HttpContext http, AssessmentAccess access, IGrainFactory grains, QuestionRepository questions,
        Lms.Grains.Identity.UserRepository users, TimeProvider clock, AttemptRepository attempts)
    {
        var context = await access.AttemptAsync(http, attemptId);
        var state = await Grain(grains, attemptId).Open(null);
        if (state.InProgress && !context.Teacher)
            throw new ProblemException(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "The attempt is still in progress.");
        return await ReviewAsync(context, state, questions, users, clock, attempts);
    }

    private static async Task<ReviewView> ReviewAsync(AttemptContext context, AttemptState state, QuestionRepository questions,
        Lms.Grains.Identity.UserRepository users, TimeProvider clock, AttemptRepository attempts)
    {
        var now = clock.GetUtcNow();
        var quiz = context.Quiz;
        var scores = context.Teacher || QuizEndpoints.Visible(quiz.Settings.ReviewScores, quiz, now);
        var answersVisible = context.Teacher || QuizEndpoints.Visible(quiz.Settings.ReviewAnswers, quiz, now);
        var slots = await attempts.SlotsAsync(state.Id);
        var list = new List<ReviewQuestion>();
        foreach (var plan in state.Slots)
        {
            var content = await questions.ContentAsync(plan.QuestionId, plan.Version);
            JsonElement? response = state.Responses.TryGetValue(plan.Slot, out var r) ? JsonDocument.Parse(r).RootElement.Clone() : null;
            var row = slots.FirstOrDefault(s => s.Slot == plan.Slot);
            IReadOnlyList<string>? feedback = null;
            if (answersVisible)
            {
                QuestionResponse? parsed = null;
                if (r is not null) { try { parsed = AssessmentJson.Read<QuestionResponse>(r); } catch (JsonException) { } }
                feedback = Grader.Grade(content, parsed).Feedback;
            }
            list.Add(new ReviewQuestion(ForStudent(plan, content), response, scores ? row?.Score : null, plan.Points,
                answersVisible ? Grader.RightAnswer(content) : null, feedback, row?.Comment, row is { Score: null } && !state.InProgress));
        }
        var percent = state.MaxScore > 0 && state.Score is { } s ? Math.Round(100 * s / state.MaxScore, 2) : (double?)null;
        var name = (await users.GetAsync(state.UserId))?.DisplayName ?? "";
        return new ReviewView(state.Id, quiz.Id, quiz.Title, quiz.CourseId, name, state.Number, state.Status, state.StartedAt, state.SubmittedAt,
            state.SubmittedBy, scores ? state.Score : null, state.MaxScore, scores ? percent : null,
            scores && !state.NeedsGrading && percent is not null ? percent >= quiz.Settings.PassMark : null, state.NeedsGrading,
            scores, answersVisible, scores ? state.OverallFeedback : null, list);
    }

    private static async Task<IReadOnlyList<EventRow>> Timeline(Guid attemptId, HttpContext http, AssessmentAccess access, AttemptRepository attempts)
    {
        var context = await access.AttemptAsync(http, attemptId);
        if (!context.Teacher) throw ProblemException.Forbidden("The timeline is for the course's teachers.");
        return await attempts.EventsAsync(attemptId);
    }

    private static async Task<ReviewView> GradeSlot(
        Guid attemptId, int slot, GradeSlotRequest request, HttpContext http, AssessmentAccess access, IGrainFactory grains,
        QuestionRepository questions, Lms.Grains.Identity.UserRepository users, TimeProvider clock, AttemptRepository attempts)
    {
        var context = await access.AttemptAsync(http, attemptId);
        if (!context.Teacher) throw ProblemException.Forbidden("Only the course's teachers grade.");
        AttemptState state;
        try
        {
            state = await Grain(grains, attemptId).GradeManually(slot, request.Score, string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim(), context.UserId);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw ProblemException.Invalid(e.ParamName ?? "score", e.Message.Split(" (Parameter")[0]);
        }
        catch (InvalidOperationException e)
        {
            throw ProblemException.Conflict(e.Message);
        }
        return await ReviewAsync(context, state, questions, users, clock, attempts);
    }

    private static async Task<IReadOnlyList<AttemptListRow>> ForQuiz(Guid quizId, HttpContext http, AssessmentAccess access, AttemptRepository attempts)
    {
        await access.TeachQuizAsync(http, quizId);
        return await attempts.ForQuizAsync(quizId);
    }

    private static async Task<RegradeResult> Regrade(Guid quizId, RegradeRequest? request, HttpContext http, AssessmentAccess access,
        AttemptRepository attempts, IGrainFactory grains)
    {
        await access.TeachQuizAsync(http, quizId);
        var ids = request?.QuestionId is { } q
            ? await attempts.AttemptsUsingAsync(quizId, q)
            : (await attempts.ForQuizAsync(quizId)).Select(a => a.Id).ToList();
        var count = 0;
        foreach (var id in ids)
        {
            var state = await Grain(grains, id).Regrade(request?.QuestionId);
            if (!state.InProgress) count++;
        }
        return new RegradeResult(count);
    }

    private static async Task<IReadOnlyList<AttemptOrderChange>> AnswerOrderChanges(Guid quizId, HttpContext http, AssessmentAccess access, AnswerOrderAudit audit)
    {
        await access.TeachQuizAsync(http, quizId);
        return await audit.ForQuizAsync(quizId);
    }

    private static async Task<RegradeResult> RegradeAnswerOrder(Guid quizId, AnswerOrderRegradeRequest? request, HttpContext http, AssessmentAccess access,
        AnswerOrderAudit audit, IGrainFactory grains)
    {
        await access.TeachQuizAsync(http, quizId);
        // Only attempts of this quiz that the corrected order changes: a named id outside them is not this quiz's to touch.
        var changed = (await audit.ForQuizAsync(quizId)).Select(c => c.AttemptId).ToList();
        var ids = request?.AttemptIds is { } named ? changed.Where(named.Contains).ToList() : changed;
        foreach (var id in ids) await Grain(grains, id).RegradeAnswers();
        return new RegradeResult(ids.Count);
    }

    private static async Task<QuizStatisticsView> Statistics(Guid quizId, HttpContext http, AssessmentAccess access, AttemptRepository attempts,
        QuestionRepository questions)
    {
        await access.TeachQuizAsync(http, quizId);
        var list = await attempts.ForQuizAsync(quizId);
        var (slots, answers) = await attempts.SubmittedDetailAsync(quizId);
        var contents = new Dictionary<(Guid, int), QuestionContent>();
        var titles = new Dictionary<Guid, string>();
        foreach (var s in slots.Select(s => (s.QuestionId, s.Version)).Distinct())
            contents[s] = await questions.ContentAsync(s.QuestionId, s.Version);
        foreach (var id in slots.Select(s => s.QuestionId).Distinct())
            titles[id] = (await questions.GetAsync(id))?.Title ?? id.ToString();
        return QuizStatistics.Compute(list, slots, answers, (id, v) => contents[(id, v)], id => titles[id]);
    }
}

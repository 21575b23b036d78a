using System.ComponentModel.DataAnnotations;
using Lms.Grains.Data;
using Lms.Grains.Moocs;
using Lms.Server.Courses;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Moocs;

public sealed record ThreadRequest(
    [property: Required, StringLength(200, MinimumLength = 3)] string Title,
    [property: Required, StringLength(20000, MinimumLength = 1)] string Body);

public sealed record ReplyRequest([property: Required, StringLength(20000, MinimumLength = 1)] string Body);

public sealed record VoteRequest(bool Up);

public sealed record ModerationRequest(bool? Hidden, bool? Locked, bool? Answer);

public sealed record ThreadPage(ThreadRow Thread, Page<PostRow> Posts, bool CanModerate);

public sealed record ForumPage(Page<ThreadRow> Threads, bool CanModerate);

/// <summary>A forum per run (per course): its learners and teachers post; teachers mark answers, hide and lock.</summary>
public static class ForumEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/courses/{courseId:guid}/forum", Threads).WithTags("Forum").WithSummary("Threads, newest activity (or most upvoted) first, paged.")
            .ProducesProblems(404);
        api.MapPost("/courses/{courseId:guid}/forum", Create).ProducesProblems(404, 400).WithTags("Forum").WithSummary("Start a thread.");
        var thread = api.MapGroup("/forum/threads/{threadId:guid}").WithTags("Forum");
        thread.ProducesProblemsOfIdsAndBodies();
        thread.MapGet("", Thread).WithSummary("A thread with its replies (marked answers first), paged.");
        thread.MapPost("/replies", Reply).WithSummary("Reply (not in a locked thread).");
        thread.MapPost("/vote", VoteThread).WithSummary("Upvote a thread, or take the vote back.");
        thread.MapPost("/moderation", ModerateThread).WithSummary("Hide or lock a thread (teachers).");
        var post = api.MapGroup("/forum/posts/{postId:guid}").WithTags("Forum");
        post.ProducesProblemsOfIdsAndBodies();
        post.MapPost("/vote", VotePost).WithSummary("Upvote a reply, or take the vote back.");
        post.MapPost("/moderation", ModeratePost).WithSummary("Hide a reply or mark it as the answer (teachers).");
    }

    private static async Task<ForumPage> Threads(Guid courseId, string? q, string? sort, int? skip, int? take, HttpContext http,
        CourseAccess access, ForumRepository forum)
    {
        var context = await access.ViewAsync(http.User, courseId);
        if (q is { Length: > 100 }) throw ProblemException.Invalid("q", "The search text is longer than 100 characters.");
        return new ForumPage(await forum.ThreadsAsync(courseId, context.UserId, context.CanTeach, q, sort == "top", PageRequest.Of(skip, take ?? 20)),
            context.CanTeach);
    }

    private static async Task<Created<ThreadRow>> Create(Guid courseId, ThreadRequest request, HttpContext http, CourseAccess access,
        ForumRepository forum)
    {
        var context = await access.ViewAsync(http.User, courseId);
        var id = await forum.CreateThreadAsync(courseId, context.UserId, request.Title.Trim(), request.Body.Trim());
        return TypedResults.Created($"/api/forum/threads/{id}", (await forum.ThreadAsync(id, context.UserId))!);
    }

    /// <summary>The thread, if the caller may see its course (and, unless a moderator, it is not hidden).</summary>
    private static async Task<(ThreadRow Thread, CourseContext Context)> ThreadForAsync(Guid threadId, HttpContext http, CourseAccess access,
        ForumRepository forum)
    {
        var userId = Identity.CurrentUser.Id(http.User);
        var thread = await forum.ThreadAsync(threadId, userId) ?? throw ProblemException.NotFound("The thread");
        var context = await access.ViewAsync(http.User, thread.CourseId);
        if (thread.Hidden && !context.CanTeach) throw ProblemException.NotFound("The thread");
        return (thread, context);
    }

    private static async Task<ThreadPage> Thread(Guid threadId, int? skip, int? take, HttpContext http, CourseAccess access, ForumRepository forum)
    {
        var (thread, context) = await ThreadForAsync(threadId, http, access, forum);
        return new ThreadPage(thread, await forum.PostsAsync(threadId, context.UserId, context.CanTeach, PageRequest.Of(skip, take ?? 50)),
            context.CanTeach);
    }

    private static async Task<Created<PostRow>> Reply(Guid threadId, ReplyRequest request, HttpContext http, CourseAccess access, ForumRepository forum)
    {
        var (_, context) = await ThreadForAsync(threadId, http, access, forum);
        var id = await forum.ReplyAsync(threadId, context.UserId, request.Body.Trim())
                 ?? throw ProblemException.Conflict("The thread is locked.");
        return TypedResults.Created($"/api/forum/threads/{threadId}", (await forum.PostAsync(id, context.UserId))!);
    }

    private static async Task<int> VoteThread(Guid threadId, VoteRequest request, HttpContext http, CourseAccess access, ForumRepository forum)
    {
        var (_, context) = await ThreadForAsync(threadId, http, access, forum);
        return await forum.VoteAsync(threadId, context.UserId, request.Up, isThread: true);
    }

    private static async Task<(PostRow Post, ThreadRow Thread, CourseContext Context)> PostForAsync(Guid postId, HttpContext http,
        CourseAccess access, ForumRepository forum)
    {
        var post = await forum.PostAsync(postId, Identity.CurrentUser.Id(http.User)) ?? throw ProblemException.NotFound("The reply");
        var (thread, context) = await ThreadForAsync(post.ThreadId, http, access, forum);
        if (post.Hidden && !context.CanTeach) throw ProblemException.NotFound("The reply");
        return (post, thread, context);
    }

    private static async Task<int> VotePost(Guid postId, VoteRequest request, HttpContext http, CourseAccess access, ForumRepository forum)
    {
        var (post, _, context) = await PostForAsync(postId, http, access, forum);
        return await forum.VoteAsync(post.Id, context.UserId, request.Up, isThread: false);
    }

    private static async Task<ThreadRow> ModerateThread(Guid threadId, ModerationRequest request, HttpContext http, CourseAccess access,
        ForumRepository forum)
    {
        var (_, context) = await ThreadForAsync(threadId, http, access, forum);
        if (!context.CanTeach) throw ProblemException.Forbidden("Only the course's teachers moderate its forum.");
        if (request.Hidden is { } hidden) await forum.SetThreadHiddenAsync(threadId, hidden);
        if (request.Locked is { } locked) await forum.SetThreadLockedAsync(threadId, locked);
        return (await forum.ThreadAsync(threadId, context.UserId))!;
    }

    private static async Task<PostRow> ModeratePost(Guid postId, ModerationRequest request, HttpContext http, CourseAccess access,
        ForumRepository forum)
    {
        var (post, thread, context) = await PostForAsync(postId, http, access, forum);
        if (!context.CanTeach) throw ProblemException.Forbidden("Only the course's teachers moderate its forum.");
        if (request.Hidden is { } hidden) await forum.SetPostHiddenAsync(post.Id, hidden);
        if (request.Answer is { } answer) await forum.MarkAnswerAsync(thread.Id, post.Id, answer);
        return (await forum.PostAsync(post.Id, context.UserId))!;
    }
}

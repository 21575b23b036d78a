using Lms.Server.Classroom;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.Content;

/// <summary>The recording of a live session, under <c>/api/classroom/sessions/{id}/recording</c>; only the session's teachers record.</summary>
public static class LessonRecordingEndpoints
{
    public static void MapLessonRecordingEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/classroom/sessions/{sessionId:guid}/recording").ProducesProblems(404).WithTags("Lesson recordings");
        group.MapGet("", async (Guid sessionId, HttpContext http, ClassroomAccess access, LessonRecordings lessons) =>
                await lessons.StateAsync(await access.ViewAsync(http.User, sessionId)))
            .WithSummary("Whether the lesson is being recorded, and its recordings (students: the published ones).");
        group.MapPost("", async (Guid sessionId, StartLessonRecordingRequest request, HttpContext http, ClassroomAccess access,
                LessonRecordings lessons) =>
            {
                var context = await access.TeachAsync(http.User, sessionId);
                return TypedResults.Created($"/api/classroom/sessions/{sessionId}/recording",
                    await lessons.StartAsync(context, http.User.Id(), request.Title, request.TabId, http.RequestAborted));
            })
            .WithSummary("Start recording the live lesson (its teachers), or go on with the one in progress from this tab; everyone in the room is told.")
                .ProducesProblems(400);
        group.MapPost("/stop", async (Guid sessionId, StopLessonRecordingRequest request, HttpContext http, ClassroomAccess access,
                LessonRecordings lessons) =>
            {
                var context = await access.TeachAsync(http.User, sessionId);
                return TypedResults.Ok(await lessons.StopAsync(context, http.User.Id(), request.PieceCount, request.TabId, http.RequestAborted));
            })
            .ProducesProblems(400).WithSummary("Stop recording: the recording is joined and published to the library and the course.");
        group.MapPut("/settings", async (Guid sessionId, LessonRecordingSettings request, HttpContext http, ClassroomAccess access,
                LessonRecordings lessons) =>
            {
                await access.TeachAsync(http.User, sessionId);
                await lessons.SetAutomaticAsync(sessionId, request.RecordAutomatically, http.User.Id());
                return request;
            })
            .ProducesProblems(400).WithSummary("Record the session automatically from the moment it starts (its teachers).");
    }
}

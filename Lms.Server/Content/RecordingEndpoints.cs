using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using Lms.Grains.Content;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Server.Courses;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lms.Server.Content;

public sealed record StartRecordingRequest(
    [property: Required, StringLength(200, MinimumLength = 1)] string Title,
    Guid? InstitutionId,
    Guid? CourseId,
    Guid? ModuleId,
    [property: StringLength(100)] string? SessionId);

public sealed record FinishRecordingRequest([property: Range(1, 100_000)] int PieceCount);

public sealed record PieceView(int Index, string Status, string? Error);

public sealed record RecordingView(
    Guid Id, string Title, string Status, Guid? CourseId, Guid? ModuleId, string? SessionId, int? PieceCount,
    IReadOnlyList<PieceView> Pieces, Guid? ItemId, Guid? CourseItemId, string? Error, DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt, DateTimeOffset? PublishedAt, string PieceUrl);

/// <summary>
/// A lesson recorded in the teacher's browser and uploaded in pieces while it runs: each piece (a
/// self-contained WebM or MP4, as MediaRecorder writes one between start and stop) is PUT as soon
/// as it is recorded and transcoded at once; when the lesson ends, the pieces are joined into one
/// VOD and one MP4 and published as a library item (and a course item, when a course was named).
/// </summary>
public static class RecordingEndpoints
{
    /// <summary>The header that names the tab sending a piece of a live lesson's recording.</summary>
    public const string RecorderTabHeader = "X-Recorder-Tab";

    public static void MapRecordingEndpoints(this RouteGroupBuilder content)
    {
        var recordings = content.MapGroup("/recordings").WithTags("Lesson recordings");
        recordings.MapPost("", Start).WithSummary("Start a recording (for a course and session, or an institution's library).")
            .ProducesProblems(403, 400);
        recordings.MapGet("/{recordingId:guid}", Get).WithSummary("A recording: its pieces' state, and its library item once published.")
            .ProducesProblems(404);
        recordings.MapPut("/{recordingId:guid}/pieces/{index:int}", PutPiece).ProducesProblems(409, 404).DisableAntiforgery()
            .WithSummary("Send one piece (the raw bytes of a self-contained WebM/MP4); sending the same piece again does nothing.");
        recordings.MapPost("/{recordingId:guid}/finish", Finish).ProducesProblems(404, 400)
            .WithSummary("The lesson ended after this many pieces: join them and publish when they are all transcoded.");
    }

    private static async Task<Created<RecordingView>> Start(
        StartRecordingRequest request, HttpContext http, CourseAccess courses, InstitutionAccess institutions,
        Lms.Grains.Courses.CourseRepository courseRepo, RecordingRepository recordings)
    {
        Guid institutionId;
        if (request.CourseId is { } courseId)
        {
            var course = await courses.TeachAsync(http.User, courseId);
            institutionId = course.Course.InstitutionId;
            if (request.ModuleId is { } moduleId && (await courseRepo.OutlineAsync(courseId)).Modules.All(m => m.Id != moduleId))
                throw ProblemException.Invalid("moduleId", "The module is not part of the course.");
        }
        else
        {
            institutionId = request.InstitutionId ?? throw ProblemException.Invalid("institutionId", "Name the course or the institution.");
            await institutions.RequireAsync(http.User, institutionId, Roles.Teacher, Roles.Admin);
        }
        var recording = await recordings.CreateAsync(institutionId, http.User.Id(), request.CourseId,
            request.CourseId is null ? null : request.ModuleId, request.SessionId?.Trim(), request.Title.Trim());
        return TypedResults.Created($"/api/content/recordings/{recording.Id}", View(recording, []));
    }

    private static async Task<RecordingView> Get(Guid recordingId, HttpContext http, RecordingRepository recordings, CourseAccess courses)
    {
        var recording = await ViewableAsync(http, recordings, courses, recordingId);
        return View(recording, await recordings.PiecesAsync(recording.Id));
    }

    /// <summary>The recording's owner, and the teachers of its course, may follow it.</summary>
    public static async Task<RecordingRow> ViewableAsync(HttpContext http, RecordingRepository recordings, CourseAccess courses, Guid recordingId) =>
        await ViewableAsync(http.User, recordings, courses, recordingId);

    public static async Task<RecordingRow> ViewableAsync(System.Security.Claims.ClaimsPrincipal user, RecordingRepository recordings, CourseAccess courses, Guid recordingId)
    {
        var recording = await recordings.GetAsync(recordingId) ?? throw ProblemException.NotFound("The recording");
        if (recording.OwnerId == user.Id()) return recording;
        if (recording.CourseId is { } courseId)
        {
            try
            {
                if ((await courses.ViewAsync(user, courseId)).CanTeach) return recording;
            }
            catch (ProblemException) { }
        }
        throw ProblemException.NotFound("The recording");
    }

    private static async Task<IResult> PutPiece(
        Guid recordingId, int index, HttpContext http, RecordingRepository recordings, StorageQuota quota, UploadIntake intake,
        IOptions<ContentOptions> options)
    {
        var recording = await recordings.GetAsync(recordingId);
        if (recording is null || recording.OwnerId != http.User.Id()) throw ProblemException.NotFound("The recording");
        if (index is < 0 or > 100_000) throw ProblemException.Invalid("index", "A piece's index is 0 or more.");
        var accepting = recording.Status == RecordingStatuses.Recording
                        || (recording.Status == RecordingStatuses.Finishing && index < recording.PieceCount);
        if (!accepting) throw ProblemException.Conflict("The recording has ended: it takes no more pieces.");
        // A live lesson's recording takes pieces from the tab that records it now: a tab that lost it (another tab, or the
        // reloaded page, went on with it) is told so instead of mixing its pieces into the other tab's numbering.
        if (recording is { Status: RecordingStatuses.Recording, RecorderTab: { } recorder } && http.Request.Headers[RecorderTabHeader] != recorder)
            throw LessonRecordings.OtherTab(recorder, "Another tab records this lesson now.");
        if (await recordings.GetPieceAsync(recordingId, index) is not null) return TypedResults.Ok(new { index, received = false });

        var length = http.Request.ContentLength ?? throw new ProblemException(StatusCodes.Status411LengthRequired,
            ProblemTypes.ForStatus(411), "Length required", "Send the piece with a Content-Length.");
        if (length <= 0) throw ProblemException.Invalid("body", "The piece is empty.");
        if (length > options.Value.MaxPieceBytes)
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge, "Too large",
                $"A piece may be at most {options.Value.MaxPieceBytes / (1024 * 1024)} MB: record shorter pieces.");
        // The piece's space is held from before its first byte until its row counts it (or it failed).
        var reservation = await quota.ReserveInTransitAsync(recording.InstitutionId, length, options.Value.QuotaBytes);
        if (reservation is { Granted: false, Usage: var usage })
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, ProblemTypes.QuotaExceeded, "Storage quota exceeded",
                "The institution's storage is full: the recording cannot be kept.",
                new Dictionary<string, object?> { ["usedBytes"] = usage.UsedBytes, ["quotaBytes"] = usage.QuotaBytes });

        var body = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (body is { IsReadOnly: false }) body.MaxRequestBodySize = length;
        Directory.CreateDirectory(options.Value.UploadsDirectory);
        var temp = Path.Combine(options.Value.UploadsDirectory, $"piece-{recordingId:N}-{index}-{Guid.NewGuid():N}.part");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                await http.Request.Body.CopyToAsync(file, http.RequestAborted);
            if (new FileInfo(temp).Length != length) throw ProblemException.Invalid("body", "The piece arrived incomplete: send it again.");
            var added = await intake.AcceptPieceAsync(recording, index, temp, length, http.RequestAborted);
            return added ? TypedResults.Created($"/api/content/recordings/{recordingId}", new { index, received = true })
                : TypedResults.Ok(new { index, received = false });
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
            await quota.ReleaseAsync(reservation.ReservationId!.Value);
        }
    }

    private static async Task<RecordingView> Finish(
        Guid recordingId, FinishRecordingRequest request, HttpContext http, RecordingRepository recordings, MediaJobRepository jobs,
        Db db, MediaJobSignal signal, IOptions<MediaWorkerOptions> media)
    {
        var recording = await recordings.GetAsync(recordingId);
        if (recording is null || recording.OwnerId != http.User.Id()) throw ProblemException.NotFound("The recording");
        await EndAsync(db, recordings, jobs, signal, media.Value.MaxAttempts, recordingId, request.PieceCount);
        recording = (await recordings.GetAsync(recordingId))!;
        return View(recording, await recordings.PiecesAsync(recordingId));
    }

    /// <summary>The lesson ended after <paramref name="pieceCount"/> pieces: no more are taken, and the join is queued once all are transcoded.</summary>
    public static async Task EndAsync(Db db, RecordingRepository recordings, MediaJobRepository jobs, MediaJobSignal signal, int maxAttempts,
        Guid recordingId, int pieceCount)
    {
        var request = new { PieceCount = pieceCount };
        var queued = await db.InTransactionAsync(async (connection, transaction) =>
        {
            await recordings.LockAsync(connection, transaction, recordingId);
            var current = (await recordings.GetAsync(recordingId, connection, transaction))!;
            if (current.Status == RecordingStatuses.Recording)
            {
                var pieces = await recordings.PiecesAsync(recordingId, connection, transaction);
                if (pieces.Any(p => p.PieceIndex >= request.PieceCount))
                    throw ProblemException.Invalid("pieceCount", "More pieces were received than that.");
                await recordings.FinishAsync(connection, transaction, recordingId, request.PieceCount);
            }
            else if (current.PieceCount != request.PieceCount)
                throw ProblemException.Conflict("The recording already ended with another number of pieces.");
            return await QueueJoinWhenCompleteAsync(connection, transaction, recordings, jobs, recordingId, maxAttempts);
        });
        if (queued) signal.Notify();
    }

    /// <summary>Once the lesson has ended and every piece is transcoded (or refused), the join is queued, once.</summary>
    public static async Task<bool> QueueJoinWhenCompleteAsync(
        DbConnection connection, DbTransaction transaction, RecordingRepository recordings, MediaJobRepository jobs, Guid recordingId,
        int maxAttempts)
    {
        var recording = await recordings.GetAsync(recordingId, connection, transaction);
        if (recording is not { Status: RecordingStatuses.Finishing, PieceCount: { } count }) return false;
        var pieces = await recordings.PiecesAsync(recordingId, connection, transaction);
        var final = pieces.Count(p => p.PieceIndex < count && p.Status is PieceStatuses.Ready or PieceStatuses.Failed);
        if (final < count) return false;
        await jobs.EnqueueAsync(connection, transaction, MediaJobKinds.RecordingJoin, recordingId, null, recordingId, recording.OwnerId, maxAttempts);
        return true;
    }

    public static RecordingView View(RecordingRow r, IReadOnlyList<PieceRow> pieces) =>
        new(r.Id, r.Title, r.Status, r.CourseId, r.ModuleId, r.SessionId, r.PieceCount,
            pieces.Select(p => new PieceView(p.PieceIndex, p.Status, p.ErrorMessage)).ToList(), r.ItemId, r.CourseItemId, r.ErrorMessage,
            r.StartedAt, r.EndedAt, r.PublishedAt, $"/api/content/recordings/{r.Id}/pieces/{{index}}");
}

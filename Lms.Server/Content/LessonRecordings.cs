using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lms.Grains.Classroom;
using Lms.Grains.Content;
using Lms.Grains.Data;
using Lms.Server.Classroom;
using Lms.Server.Classroom.Broadcast;
using Lms.Server.Classroom.LiveKit;
using Lms.Server.Problems;
using Microsoft.Extensions.Options;

namespace Lms.Server.Content;

/// <summary>
/// Recording a live lesson. In the browser mode (peer-to-peer rooms) the presenting teacher's
/// browser composes what the class sees and hears and uploads it in pieces to the recording API;
/// in LiveKit mode the server asks LiveKit's egress for a room composite MP4 and the egress-ended
/// webhook feeds the file to the same pipeline. Either way the room is told (<c>recording.started</c>
/// and <c>recording.stopped</c>, to everyone) and the result is published once as a library item and
/// a video item of the course, next to the session's item.
/// <para>
/// A browser recording belongs to the session, not to a tab: it is made by the teacher's tab that holds
/// their claim in the room (<see cref="IClassroomTabs"/>), and a reloaded or reopened page of theirs that
/// holds it next goes on with the same recording from the next piece (<c>recording.resumed</c>). Only that
/// tab sends pieces and stops it; another tab's start or stop changes nothing. When the tab leaves the
/// room says so at once (<c>tab.released</c>), and the state says whether pieces are arriving, so nobody
/// sees "recording" while nothing is recorded.
/// </para>
/// </summary>
public sealed class LessonRecordings(
    Db db, RecordingRepository recordings, MediaJobRepository jobs, MediaJobSignal signal, UploadIntake intake, StorageQuota quota,
    LiveSessionRepository sessions, IGrainFactory grains, MediaOptions media, IServiceProvider services, IOptions<MediaWorkerOptions> worker,
    IOptions<ContentOptions> contentOptions, IOptions<LessonRecordingOptions> recordingOptions, TimeProvider clock, ILogger<LessonRecordings> log)
{
    /// <summary>The problem type of a start, stop or piece from a tab that does not record the lesson.</summary>
    public const string OtherTabProblem = ProblemTypes.Prefix + "recording-other-tab";
    public const string BrowserMode = "browser";
    public const string LiveKitMode = "livekit";

    public string Mode => media.UsesLiveKit ? LiveKitMode : BrowserMode;

    public async Task<SessionRecordingState> StateAsync(SessionContext context)
    {
        var sessionId = context.Session.Id;
        var all = await recordings.ForSessionAsync(sessionId);
        // Only this run's recording is "now" (one left running in an earlier run is ended at the next start).
        var room = await grains.GetGrain<IClassroomGrain>(sessionId).GetStatus();
        var now = room.Status == RoomStatuses.Live
            ? all.FirstOrDefault(r => r.Status == RecordingStatuses.Recording && r.RunId == room.RunId) : null;
        var visible = context.IsTeacher ? all : all.Where(r => r.Status == RecordingStatuses.Published).ToList();
        return new SessionRecordingState(Mode, await recordings.RecordsAutomaticallyAsync(sessionId), context.IsTeacher,
            now is null ? null : await InProgressViewAsync(sessionId, now, context.IsTeacher), visible.Select(r => View(r, context.IsTeacher)).ToList(),
            (int)Math.Ceiling(recordingOptions.Value.PieceLength.TotalSeconds));
    }

    /// <summary>
    /// The recording in progress, with whether pieces are arriving: in LiveKit mode the egress records; in a browser,
    /// only while the tab that records it is still in the room and its last piece (or its start) is recent.
    /// </summary>
    private async Task<LessonRecordingView> InProgressViewAsync(Guid sessionId, RecordingRow now, bool teacher)
    {
        var pieces = await recordings.PiecesAsync(now.Id);
        DateTimeOffset? lastPiece = pieces.Count == 0 ? null : pieces.Max(p => p.ReceivedAt);
        var receiving = true;
        if (now.EgressId is null && !media.UsesLiveKit)
        {
            var holder = now.RecorderTab is null ? null : await grains.GetGrain<IClassroomTabs>(sessionId).ActiveTab(now.OwnerId);
            var tabInRoom = now.RecorderTab is null || holder?.TabId == now.RecorderTab;
            var lastSign = new[] { now.StartedAt, now.RecorderSince ?? now.StartedAt, lastPiece ?? now.StartedAt }.Max();
            receiving = tabInRoom && clock.GetUtcNow() - lastSign < recordingOptions.Value.StalledAfter;
        }
        return View(now, teacher) with
        {
            RecorderTab = teacher ? now.RecorderTab : null,
            NextPiece = teacher ? NextPiece(pieces) : null,
            Receiving = receiving,
            LastPieceAt = lastPiece,
        };
    }

    /// <summary>Where a tab that goes on with a recording starts numbering: after the last piece that arrived.</summary>
    private static int NextPiece(IReadOnlyList<PieceRow> pieces) => pieces.Count == 0 ? 0 : pieces.Max(p => p.PieceIndex) + 1;

    /// <summary>In browser mode the request must come from the teacher's tab that holds their claim in the room.</summary>
    private async Task RequireActingTabAsync(Guid sessionId, Guid userId, string? tabId)
    {
        if (string.IsNullOrWhiteSpace(tabId)) throw ProblemException.Invalid("tabId", "Say which tab records.");
        var holder = await grains.GetGrain<IClassroomTabs>(sessionId).ActiveTab(userId);
        if (holder?.TabId != tabId) throw OtherTab(holder?.TabId, "Another tab of yours presents and records this lesson: take over there first.");
    }

    public static ProblemException OtherTab(string? tabId, string detail) =>
        new(StatusCodes.Status409Conflict, OtherTabProblem, "Recorded in another tab", detail,
            new Dictionary<string, object?> { ["tabId"] = tabId });

    public async Task<LessonRecordingView> StartAsync(SessionContext context, Guid userId, string? title, string? tabId,
        CancellationToken cancellationToken)
    {
        var session = context.Session;
        var room = grains.GetGrain<IClassroomGrain>(session.Id);
        var status = await room.GetStatus();
        if (status.Status != RoomStatuses.Live || status.RunId is not { } runId)
            throw ProblemException.Conflict("The lesson is not live: start it first.");
        // In broadcast mode the broadcast is the lesson's recording (published when it ends): no second encoder, no second copy.
        if (!media.UsesLiveKit && (await services.GetRequiredService<LessonBroadcasts>().ModeAsync(session, cancellationToken)).On)
            throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "recording-by-broadcast",
                "The lesson is broadcast: the broadcast is its recording, published in the library when the lesson ends.");
        if (media.UsesLiveKit && !media.LiveKit.Egress.Configured)
            throw ProblemException.Conflict("Recording through LiveKit is not configured (Media:LiveKit:Egress:OutputDirectory and :LocalDirectory).");
        if (!media.UsesLiveKit) await RequireActingTabAsync(session.Id, userId, tabId);

        if (await recordings.RecordingNowAsync(session.Id) is { } stale && stale.RunId != runId)
        {
            // Left recording by a browser that went away in an earlier run: what arrived is published.
            if (media.UsesLiveKit) await RecordingEndpoints.EndAsync(db, recordings, jobs, signal, worker.Value.MaxAttempts, stale.Id, 1);
            else await EndWithWhatArrivedAsync(stale);
        }
        if (await recordings.RecordingNowAsync(session.Id) is { } current)
        {
            if (media.UsesLiveKit) return View(current, true);
            // Someone else's recording is theirs to stop.
            if (current.OwnerId != userId) throw ProblemException.Conflict("Another teacher is recording this lesson.");
            // The same teacher's tab that acts for them now (a reloaded or reopened page, or one that took over) goes on
            // with the same recording from the next piece: one lesson, one published file.
            if (!await recordings.TakeOverAsync(current.Id, tabId!))
                throw ProblemException.Conflict("The recording ended meanwhile: start again.");
            var pieces = await recordings.PiecesAsync(current.Id);
            log.LogInformation("Recording {Recording} of session {Session} goes on in another tab from piece {Piece}", current.Id, session.Id,
                NextPiece(pieces));
            await PublishAsync(session.Id, ClassroomEvents.RecordingResumed, new RecordingResumed(current.Id, (await sessions.DisplayNameAsync(userId)) ?? ""));
            var resumed = (await recordings.GetAsync(current.Id))!;
            return View(resumed, true) with { RecorderTab = resumed.RecorderTab, NextPiece = NextPiece(pieces), Receiving = true, Resumed = true };
        }

        var name = string.IsNullOrWhiteSpace(title) ? session.Title : title.Trim();
        RecordingRow recording;
        try
        {
            recording = await recordings.CreateAsync(context.Course.Course.InstitutionId, userId, session.CourseId,
                await recordings.SessionModuleAsync(session.Id), session.Id.ToString(), name, runId, media.UsesLiveKit ? null : tabId);
        }
        catch (DbException)
        {
            throw ProblemException.Conflict("This lesson is already being recorded.");
        }

        if (media.UsesLiveKit)
        {
            try
            {
                var egress = services.GetRequiredService<LiveKitEgress>();
                var egressId = await egress.StartRoomCompositeAsync(LiveKitTokens.RoomName(session.Id),
                    media.LiveKit.Egress.OutputPath(recording.Id), cancellationToken);
                await recordings.SetEgressAsync(recording.Id, egressId);
                recording = recording with { EgressId = egressId };
            }
            catch (Exception e) when (e is LiveKitApiException or HttpRequestException or TaskCanceledException)
            {
                log.LogWarning(e, "LiveKit egress could not start for session {Session}", session.Id);
                await FailAsync(recording.Id, "LiveKit could not start recording: " + e.Message);
                throw new ProblemException(StatusCodes.Status502BadGateway, ProblemTypes.ForStatus(502), "LiveKit refused",
                    "LiveKit could not start recording the room.");
            }
        }
        await PublishAsync(session.Id, ClassroomEvents.RecordingStarted,
            new RecordingStarted(recording.Id, (await sessions.DisplayNameAsync(userId)) ?? "", recording.StartedAt, Mode));
        return View(recording, true) with { RecorderTab = recording.RecorderTab, NextPiece = 0, Receiving = true, Resumed = false };
    }

    public async Task<LessonRecordingView?> StopAsync(SessionContext context, Guid userId, int? pieceCount, string? tabId,
        CancellationToken cancellationToken)
    {
        var sessionId = context.Session.Id;
        var current = await recordings.RecordingNowAsync(sessionId);
        if (current is null)
        {
            // Stopped already (a repeated request, or the egress ended by itself): nothing more to do.
            var last = (await recordings.ForSessionAsync(sessionId)).FirstOrDefault();
            return last is null ? null : View(last, true);
        }
        if (media.UsesLiveKit)
        {
            if (current.EgressId is { } egressId)
            {
                try
                {
                    await services.GetRequiredService<LiveKitEgress>().StopAsync(egressId, cancellationToken);
                }
                catch (LiveKitApiException e)
                {
                    // Ended already (the room closed at the end of the lesson): its webhook brings the file.
                    log.LogInformation(e, "LiveKit egress {Egress} was not running", egressId);
                }
            }
            // One piece: the egress's file, which its webhook brings.
            await RecordingEndpoints.EndAsync(db, recordings, jobs, signal, worker.Value.MaxAttempts, current.Id, 1);
        }
        else
        {
            if (current.OwnerId != userId) throw ProblemException.Conflict("The lesson is recorded in another teacher's browser: they stop it.");
            // A tab that does not record it (an old page, a second tab) cannot stop it for the tab that does; the tab that
            // acts for the teacher now may (the one that recorded it is gone, or lost the claim to it).
            if (current.RecorderTab is { } recorder && recorder != tabId)
            {
                var acting = await grains.GetGrain<IClassroomTabs>(sessionId).ActiveTab(userId);
                if (acting is null || acting.TabId != tabId || acting.TabId == recorder)
                    throw OtherTab(recorder, "The lesson is recorded in another tab of yours: stop it there.");
            }
            // Without a count (a tab that did not record it) the recording ends with the pieces that arrived.
            if (pieceCount is { } count) await RecordingEndpoints.EndAsync(db, recordings, jobs, signal, worker.Value.MaxAttempts, current.Id, count);
            else await EndWithWhatArrivedAsync(current);
        }
        await PublishAsync(sessionId, ClassroomEvents.RecordingStopped, new RecordingStopped(current.Id));
        return View((await recordings.GetAsync(current.Id))!, true);
    }

    /// <summary>
    /// LiveKit's <c>egress_ended</c>: the file it wrote (at the path we chose, in the shared folder) is
    /// the recording's one piece; a failed egress fails the recording with LiveKit's reason.
    /// Delivered twice, it does nothing more the second time.
    /// </summary>
    public async Task EgressEndedAsync(JsonObject hook, CancellationToken cancellationToken)
    {
        var info = hook["egressInfo"];
        var egressId = info?["egressId"]?.GetValue<string>();
        if (string.IsNullOrEmpty(egressId) || await recordings.ByEgressAsync(egressId) is not { } recording)
        {
            log.LogInformation("LiveKit egress {Egress} ended: not one of our recordings", egressId);
            return;
        }
        if (recording.Status is RecordingStatuses.Published or RecordingStatuses.Failed) return;
        var sessionId = Guid.TryParse(recording.SessionId, out var id) ? id : Guid.Empty;
        var wasRecording = recording.Status == RecordingStatuses.Recording;
        if (wasRecording) await RecordingEndpoints.EndAsync(db, recordings, jobs, signal, worker.Value.MaxAttempts, recording.Id, 1);
        if (wasRecording && sessionId != Guid.Empty) await PublishAsync(sessionId, ClassroomEvents.RecordingStopped, new RecordingStopped(recording.Id));

        var status = info?["status"]?.ToString();
        if (status is not ("EGRESS_COMPLETE" or "3"))
        {
            var error = info?["error"]?.ToString();
            await FailAsync(recording.Id, $"LiveKit's recording ended as {status}{(string.IsNullOrEmpty(error) ? "" : ": " + error)}.");
            return;
        }
        if (await recordings.GetPieceAsync(recording.Id, 0) is not null) return;
        var file = media.LiveKit.Egress.LocalPath(recording.Id);
        if (!File.Exists(file))
        {
            await FailAsync(recording.Id, $"LiveKit's file {LiveKitEgressOptions.FileName(recording.Id)} is not in Media:LiveKit:Egress:LocalDirectory.");
            return;
        }
        var length = new FileInfo(file).Length;
        var reservation = length > contentOptions.Value.MaxVideoBytes ? null
            : await quota.ReserveInTransitAsync(recording.InstitutionId, length, contentOptions.Value.QuotaBytes, cancellationToken);
        if (reservation is not { Granted: true, ReservationId: { } held })
        {
            await FailAsync(recording.Id, "The recording is larger than the video limit or the institution's free storage.");
            return;
        }
        try
        {
            await intake.AcceptPieceAsync(recording, 0, file, length, cancellationToken);
        }
        finally
        {
            await quota.ReleaseAsync(held);
        }
    }

    public async Task SetAutomaticAsync(Guid sessionId, bool on, Guid userId) => await recordings.SetRecordsAutomaticallyAsync(sessionId, on, userId);

    /// <summary>
    /// A lesson recorded by a browser that went away (closed, crashed, out of battery) without
    /// stopping: once the class has ended and no piece came for <see cref="LessonRecordingOptions.GraceAfterEnd"/>,
    /// or no piece came for <see cref="LessonRecordingOptions.SilenceWhileLive"/> in a class still live,
    /// what arrived is published (so the recording reaches the library without anyone starting another).
    /// </summary>
    public async Task<int> EndAbandonedAsync(LessonRecordingOptions options, DateTimeOffset now)
    {
        var ended = 0;
        foreach (var recording in await recordings.FromBrowsersInProgressAsync())
        {
            if (!Guid.TryParse(recording.SessionId, out var sessionId)) continue;
            var pieces = await recordings.PiecesAsync(recording.Id);
            var lastSign = pieces.Count == 0 ? recording.StartedAt : pieces.Max(p => p.ReceivedAt);
            var room = await grains.GetGrain<IClassroomGrain>(sessionId).GetStatus();
            var stillLive = room.Status == RoomStatuses.Live && room.RunId == recording.RunId;
            if (now - lastSign < (stillLive ? options.SilenceWhileLive : options.GraceAfterEnd)) continue;
            try
            {
                await EndWithWhatArrivedAsync(recording);
            }
            catch (ProblemException e)
            {
                // A piece arrived meanwhile, or another node ended it first: the next sweep looks again.
                log.LogInformation("Abandoned recording {Recording} not ended now: {Reason}", recording.Id, e.Message);
                continue;
            }
            log.LogInformation("Recording {Recording} of session {Session} ended by the server: its browser went away", recording.Id, sessionId);
            if (stillLive) await PublishAsync(sessionId, ClassroomEvents.RecordingStopped, new RecordingStopped(recording.Id));
            ended++;
        }
        return ended;
    }

    /// <summary>
    /// A recording whose browser went away: it ends with the pieces that arrived (nothing arrived: failed). A piece lost on
    /// the way (a tab closed while sending it) is left out of the join, not waited for.
    /// </summary>
    private async Task EndWithWhatArrivedAsync(RecordingRow recording)
    {
        var pieces = await recordings.PiecesAsync(recording.Id);
        if (pieces.Count == 0)
        {
            await FailAsync(recording.Id, "Nothing was recorded.");
            return;
        }
        var count = NextPiece(pieces);
        await db.InTransactionAsync(async (c, t) =>
        {
            await recordings.LockAsync(c, t, recording.Id);
            foreach (var missing in Enumerable.Range(0, count).Except(pieces.Select(p => p.PieceIndex)))
                await recordings.MissingPieceAsync(c, t, recording.Id, missing, "This piece never arrived.");
            return 0;
        });
        await RecordingEndpoints.EndAsync(db, recordings, jobs, signal, worker.Value.MaxAttempts, recording.Id, count);
    }

    /// <summary>
    /// Nothing stays <c>finishing</c> forever. A recording that ended while some of its pieces never arrived (a stop that
    /// counted pieces another tab was to send, a browser closed while sending) is joined from the pieces that did, once
    /// none has come for <see cref="LessonRecordingOptions.FinishingGrace"/>; one still not published after
    /// <see cref="LessonRecordingOptions.FinishingLimit"/> fails, saying so.
    /// </summary>
    public async Task<int> SettleFinishingAsync(LessonRecordingOptions options, DateTimeOffset now)
    {
        var settled = 0;
        foreach (var recording in await recordings.FinishingAsync())
        {
            var ended = recording.EndedAt ?? recording.StartedAt;
            if (now - ended >= options.FinishingLimit)
            {
                await FailAsync(recording.Id, "The recording could not be put together in time.");
                log.LogWarning("Recording {Recording} was still finishing {Limit} after it ended: failed", recording.Id, options.FinishingLimit);
                settled++;
                continue;
            }
            if (recording.PieceCount is not { } count) continue;
            var pieces = await recordings.PiecesAsync(recording.Id);
            var lastSign = pieces.Select(p => p.ReceivedAt).Append(ended).Max();
            var missing = Enumerable.Range(0, count).Except(pieces.Select(p => p.PieceIndex)).ToList();
            if (missing.Count == 0 || now - lastSign < options.FinishingGrace) continue;
            if (missing.Count == count)
            {
                await FailAsync(recording.Id, "Nothing was recorded.");
                settled++;
                continue;
            }
            var queued = await db.InTransactionAsync(async (c, t) =>
            {
                await recordings.LockAsync(c, t, recording.Id);
                foreach (var index in missing) await recordings.MissingPieceAsync(c, t, recording.Id, index, "This piece never arrived.");
                return await RecordingEndpoints.QueueJoinWhenCompleteAsync(c, t, recordings, jobs, recording.Id, worker.Value.MaxAttempts);
            });
            if (queued) signal.Notify();
            log.LogInformation("Recording {Recording} is joined without {Missing} piece(s) that never arrived", recording.Id, missing.Count);
            settled++;
        }
        return settled;
    }

    private Task FailAsync(Guid recordingId, string message) =>
        db.InTransactionAsync(async (c, t) =>
        {
            await recordings.FailedAsync(c, t, recordingId, message);
            return 0;
        });

    private async Task PublishAsync<T>(Guid sessionId, ClassroomEventType<T> type, T data) =>
        await grains.GetGrain<IClassroomGrain>(sessionId).Publish(type.Name, JsonSerializer.Serialize(data, ClassroomJson.Options), [Audiences.All]);

    private static LessonRecordingView View(RecordingRow r, bool teacher) =>
        new(r.Id, r.Title, r.Status, r.RunId, r.OwnerId, r.StartedAt, r.EndedAt, r.PublishedAt, r.ItemId, r.CourseItemId, r.CourseId,
            teacher ? r.ErrorMessage : null);
}

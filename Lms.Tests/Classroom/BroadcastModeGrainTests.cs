using System.Text.Json;
using Dapper;
using Lms.Grains.Classroom;
using static Lms.Tests.Classroom.ClassroomGrainTests;

namespace Lms.Tests.Classroom;

/// <summary>
/// Broadcast mode and the camera grid are the room's state: they are in the snapshot the room saves, so a room rebuilt
/// from it (a new activation after a silo failure loads exactly this JSON) knows the mode and who was asked, accepted or refused.
/// </summary>
public sealed class BroadcastModeGrainTests(ClassroomGrainCluster fixture) : IClassFixture<ClassroomGrainCluster>
{
    [Fact]
    public async Task The_mode_and_the_cameras_are_in_the_saved_snapshot_and_a_rebuilt_room_keeps_them()
    {
        var seeded = await SeedSessionAsync(fixture.Db, "Trường phát sóng", "Chào cờ", 2, i => $"Học sinh {i + 1}");
        var grain = fixture.Cluster.GrainFactory.GetGrain<IClassroomGrain>(seeded.SessionId);
        await LiveAsync(grain, seeded.Teacher, seeded.Students);
        var (lan, minh) = (seeded.Students[0], seeded.Students[1]);

        await Ok(grain.Execute(seeded.Teacher, new AskCameras(Id(), null)));
        await Ok(grain.Execute(lan, new SetMyCamera(Id(), CameraStates.On)));
        await Ok(grain.Execute(minh, new SetMyCamera(Id(), CameraStates.Refused)));
        var broadcast = fixture.Cluster.GrainFactory.GetGrain<IClassroomBroadcast>(seeded.SessionId);
        var told = await broadcast.SetBroadcastMode(new BroadcastMode(true, null, 45, 12, null));
        Assert.True(told > 0);
        Assert.Equal(0, await broadcast.SetBroadcastMode(new BroadcastMode(true, null, 45, 12, null))); // no change, no event

        // The saved snapshot holds them, and a room state read back from it has them.
        string saved = "";
        await WaitUntil(async () =>
        {
            await using var c = await fixture.Db.OpenAsync();
            var row = await c.QuerySingleOrDefaultAsync<(long Seq, string State)>(
                "SELECT seq, state FROM live_state WHERE session_id = @id", new { id = seeded.SessionId.ToString() });
            saved = row.State ?? "";
            return row.Seq >= told;
        }, "the snapshot with the mode to be saved");
        var state = JsonSerializer.Deserialize<RoomState>(saved, ClassroomJson.Options)!;
        Assert.Equal(new BroadcastMode(true, null, 45, 12, null), state.Broadcast);
        Assert.Equal(CameraStates.On, state.Cameras[lan.UserId]);
        Assert.Equal(CameraStates.Refused, state.Cameras[minh.UserId]);

        // What a page joining now is given: the mode in the room's snapshot; the teacher sees who accepted and who refused.
        var late = JsonDocument.Parse((await grain.Join(minh with { ConnectionId = "late" }, null)).Snapshot!).RootElement;
        Assert.True(late.GetProperty("broadcast").GetProperty("on").GetBoolean());
        Assert.Equal(45, late.GetProperty("broadcast").GetProperty("students").GetInt32());
        var teacherBack = seeded.Teacher with { ConnectionId = "teacher-back" };
        await grain.Join(teacherBack, null);
        var cameras = await fixture.Cluster.GrainFactory.GetGrain<IClassroomCameras>(seeded.SessionId).Cameras(teacherBack);
        Assert.Equal([CameraStates.On, CameraStates.Refused], cameras.OrderBy(c => c.Name).Select(c => c.State));
    }
}

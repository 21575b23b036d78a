using Lms.Grains.Classroom;

namespace Lms.Tests.Classroom;

/// <summary>
/// The numbers that let a page in several audiences (everyone, the teachers, itself) tell an event that is late, because
/// its audience's channel was slower, from one that is lost (see eventOrder.ts and ClassroomEventOrderTests).
/// </summary>
public sealed class ClassroomEventChainTests(ClassroomGrainCluster fixture) : IClassFixture<ClassroomGrainCluster>
{
    [Fact]
    public async Task Each_event_names_the_previous_event_of_each_of_its_audiences_so_a_page_in_several_can_tell_late_from_lost()
    {
        var seeded = await ClassroomGrainTests.SeedSessionAsync(fixture.Db, "Trường chuỗi sự kiện", "Sóng cơ", 2, i => $"Học sinh {i + 1}");
        var room = (Grain: fixture.Cluster.GrainFactory.GetGrain<IClassroomGrain>(seeded.SessionId), seeded.SessionId, seeded.Teacher, seeded.Students);
        await ClassroomGrainTests.LiveAsync(room.Grain, room.Teacher, room.Students);
        var poll = Guid.Parse((await ClassroomGrainTests.Ok(room.Grain.Execute(room.Teacher, new OpenPoll(ClassroomGrainTests.Id(), "Chọn một", ["A", "B"], false, false)))).Value!);
        await ClassroomGrainTests.Ok(room.Grain.Execute(room.Students[0], new AnswerPoll(ClassroomGrainTests.Id(), poll, [0]))); // a tally, to the teachers only
        await ClassroomGrainTests.Ok(room.Grain.Execute(room.Students[1], new SendChat(ClassroomGrainTests.Id(), "Em chào cô"))); // to everyone
        await ClassroomGrainTests.Ok(room.Grain.Execute(room.Students[1], new AnswerPoll(ClassroomGrainTests.Id(), poll, [1])));
        await ClassroomGrainTests.Ok(room.Grain.Execute(room.Teacher, new RemoveParticipant(ClassroomGrainTests.Id(), room.Students[0].UserId))); // one to the removed student

        var published = RecordingPublisher.Of(room.SessionId);
        var audiences = published.SelectMany(e => e.To).Distinct().ToList();
        Assert.Contains(Audiences.Teachers, audiences);
        Assert.Contains(Audiences.All, audiences);
        Assert.Contains(Audiences.User(room.Students[0].UserId), audiences);
        foreach (var audience in audiences)
        {
            // Each audience's events form a chain: every one names the one before it in that audience (0 for the first).
            long previous = 0;
            foreach (var e in published.Where(e => e.To.Contains(audience)))
            {
                Assert.NotNull(e.Event.After);
                Assert.Equal(previous, e.Event.After![audience]);
                previous = e.Event.Seq;
            }
        }

        var teacherJoin = await room.Grain.Join(room.Teacher with { ConnectionId = "teacher-2" }, null);
        Assert.Equal([Audiences.User(room.Teacher.UserId), Audiences.All, Audiences.Teachers], teacherJoin.Audiences);
        var studentJoin = await room.Grain.Join(room.Students[1] with { ConnectionId = "student-2" }, null);
        Assert.Equal([Audiences.User(room.Students[1].UserId), Audiences.All], studentJoin.Audiences);
    }
}

using Lms.Grains.Classroom;
using Lms.Grains.Data;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Classroom;

/// <summary>
/// A live room in cluster mode for real: two servers (two silos, two web hosts) on one PostgreSQL
/// database and one redis-server. The room's grain lives on one silo; students connect to either
/// host; events reach them through the SignalR Redis backplane, and a student who moves to the
/// other host catches up by replay.
/// </summary>
public sealed class ClassroomClusterTests(TwoSiloCluster cluster) : IClassFixture<TwoSiloCluster>
{
    [Fact]
    public async Task Students_on_two_hosts_share_one_room_and_one_who_moves_host_gets_what_it_missed_through_a_real_redis()
    {
        var course = await ClassroomKit.LiveCourseAsync(cluster.A, "Lịch sử 10 — hai máy chủ");
        await using var teacher = await ClassroomKit.ConnectAsync(cluster.A, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        await using var onB = await ClassroomKit.ConnectAsync(cluster.B, LmsServer.Student1, course.SessionId, messagePack: true);
        var moving = await ClassroomKit.ConnectAsync(cluster.B, LmsServer.Student2, course.SessionId);
        Assert.Equal(JoinStatuses.Joined, (await onB.JoinAsync()).Status);
        await moving.JoinAsync();

        var hello = (await teacher.Command("SendChat", "Chào cả lớp ở máy chủ B")).Seq;
        await onB.WaitForAsync(e => e.Any(x => x.Seq == hello), "the teacher's message on the other host");
        await onB.Command("RaiseHand");
        await teacher.WaitForAsync(e => e.Any(x => x.Type == "hand.raised"), "the hand raised on the other host");

        await moving.WaitForAsync(e => e.Any(x => x.Seq == hello), "the message before moving");
        var lastSeen = moving.LastSeq;
        await moving.DisposeAsync();
        long last = 0;
        for (var i = 0; i < 10; i++) last = (await teacher.Command("SendChat", $"Trong lúc chuyển máy chủ {i}")).Seq;

        await using var movedToA = await ClassroomKit.ConnectAsync(cluster.A, LmsServer.Student2, course.SessionId);
        var rejoined = await movedToA.JoinAsync(lastSeen);
        Assert.Null(rejoined.Snapshot);
        Assert.Equal(10, rejoined.Events.Count(e => e.Type == "chat.message"));
        Assert.Equal(rejoined.Events.Select(e => e.Seq).Order(), rejoined.Events.Select(e => e.Seq));
        var after = (await teacher.Command("SendChat", "Sau khi chuyển")).Seq;
        await movedToA.WaitForAsync(e => e.Any(x => x.Seq == after), "a live message after moving");
        await onB.WaitForAsync(e => e.Any(x => x.Seq == after), "the same message on the other host");
        Assert.Equal(onB.Received.Where(e => e.Seq > lastSeen && e.Seq <= after).Select(e => e.Seq),
            rejoined.Events.Concat(movedToA.Received).Where(e => e.Seq <= after).Select(e => e.Seq).Distinct());
    }

    [Fact]
    public async Task After_a_quiet_stretch_a_room_on_two_hosts_still_delivers_and_a_late_student_joins_through_the_other_host()
    {
        var course = await ClassroomKit.LiveCourseAsync(cluster.A, "Địa lí 10 — hai máy chủ, giờ yên lặng");
        await using var teacher = await ClassroomKit.ConnectAsync(cluster.A, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        await using var onB = await ClassroomKit.ConnectAsync(cluster.B, LmsServer.Student1, course.SessionId, messagePack: true);
        Assert.Equal(JoinStatuses.Joined, (await onB.JoinAsync()).Status);
        var joinedAt = onB.LastSeq;

        await QuietRoom.UntilSendersRetiredAsync(course.SessionId, cluster.A, cluster.B);
        var said = (await teacher.Command("SendChat", "Sau lúc yên lặng")).Seq;
        await onB.WaitForAsync(e => e.Any(x => x.Seq == said), "the teacher's message on the other host after the quiet");

        await QuietRoom.UntilSendersRetiredAsync(course.SessionId, cluster.A, cluster.B);
        await using var late = await ClassroomKit.ConnectAsync(cluster.B, LmsServer.Student2, course.SessionId);
        var joined = await late.JoinAsync(joinedAt);
        Assert.Equal(JoinStatuses.Joined, joined.Status);
        Assert.Contains(joined.Events, e => e.Seq == said);
        var poll = (await teacher.Command("OpenPoll", "Hiểu chưa?", new[] { "Rồi", "Chưa" }, false, false)).Seq;
        await late.WaitForAsync(e => e.Any(x => x.Seq == poll), "the poll on the late student");
        await onB.WaitForAsync(e => e.Any(x => x.Seq == poll), "the poll on the first student");
    }
}

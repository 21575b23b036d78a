using Lms.Grains.Classroom;
using Lms.Tests.Classroom;
using Lms.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Lms.Tests.Hosting;

/// <summary>An embedded server whose Orleans gateway listens on a port the test knows, as a stranger on the network would find it.</summary>
public sealed class GatewayServer : SqliteLmsServer
{
    public int GatewayPort { get; } = TlsTwoSiloCluster.FreePortBelowEphemeral();
    protected override IEnumerable<string> ExtraArguments => [.. base.ExtraArguments, $"--Orleans:GatewayPort={GatewayPort}"];
}

/// <summary>
/// The room takes who calls from the sealed request context the hub sets, not from the <see cref="Caller"/> argument
/// alone: a program that reaches a silo's gateway (a plain Orleans client, as anyone on the network could run) and
/// names the teacher as caller is refused, while the teacher through the hub goes on.
/// </summary>
public sealed class SealedCallerTests(GatewayServer server) : IClassFixture<GatewayServer>
{
    [Fact]
    public async Task A_program_at_the_gateway_that_names_the_teacher_as_caller_is_refused_and_the_teacher_through_the_hub_goes_on()
    {
        var (course, started) = await ClassroomKit.StartedLessonAsync(server);
        await using var teacher = started;
        await using var student = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        await student.JoinAsync();
        var teacherId = await server.UserIdAsync(LmsServer.Teacher);

        using var outsider = new HostBuilder()
            .UseOrleansClient(client => client.UseLocalhostClustering(server.GatewayPort, "lms", "lms-embedded"))
            .Build();
        await outsider.StartAsync();
        var room = outsider.Services.GetRequiredService<IClusterClient>().GetGrain<IClassroomGrain>(course.SessionId);
        // The control: the gateway answers this program, and a call that acts for nobody goes through.
        Assert.Equal("live", (await room.GetStatus()).Status);

        var forged = new Caller(teacherId, "Giáo viên", ClassroomRoles.Teacher, "a-forged-connection");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => room.Execute(forged, new SendChat("forged-chat", "Tin nhắn giả")));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => room.Execute(forged, new EndSession("forged-end")));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => room.Join(forged, null));

        Assert.Equal("live", (await room.GetStatus()).Status);
        var hello = (await teacher.Command("SendChat", "Vẫn là cô giáo")).Seq;
        await student.WaitForAsync(e => e.Any(x => x.Seq == hello), "the teacher's message through the hub");
        Assert.DoesNotContain(student.Received, e => e.Data.Contains("Tin nhắn giả", StringComparison.Ordinal));
        await outsider.StopAsync();
    }
}

using System.Text.Json;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Classroom;

/// <summary>
/// The web app's rule for which room events a page applies (eventOrder.ts), run under Node on the deliveries cluster
/// mode really produces: audiences interleaved by the Redis backplane, an event lost with a dead server, an event
/// replayed and delivered twice. The cases and their expectations are in <c>event-order.mjs</c>.
/// </summary>
public sealed class ClassroomEventOrderTests
{
    [Fact]
    public async Task A_page_keeps_every_event_when_audiences_arrive_interleaved_holds_a_late_one_and_resumes_before_a_lost_one()
    {
        var stdout = await NodeScript.RunAsync(Path.Combine("Classroom", "event-order.mjs"));

        var cases = stdout.Trim().Split('\n').Select(line => JsonDocument.Parse(line).RootElement.GetProperty("case").GetString()).ToList();
        Assert.Equal(["overtaken-across-audiences", "held-until-predecessor", "lost-then-replayed", "student-skips-teachers-events",
            "covered-and-duplicate-dropped"], cases);
    }
}

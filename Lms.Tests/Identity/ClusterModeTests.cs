using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Identity;

/// <summary>
/// Cluster mode for real: two servers (two silos) on one PostgreSQL database and one Redis, started
/// at the same moment. They migrate and seed once between them, form one Orleans cluster, and a
/// session begun on one is honoured by the other.
/// </summary>
public sealed class ClusterModeTests(TwoSiloCluster cluster) : IClassFixture<TwoSiloCluster>
{
    [Fact]
    public async Task Two_silos_form_one_cluster_seed_once_and_share_sessions_and_grains()
    {
        // Both see both silos (membership through Redis).
        foreach (var node in new[] { cluster.A, cluster.B })
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            string? silo;
            do
            {
                var ready = await ProblemAssert.OkAsync<JsonElement>(await node.Client().GetAsync("/health/ready"));
                silo = ready.GetProperty("checks").GetProperty("silo").GetProperty("description").GetString();
                if (silo == "2 active silo(s)" || DateTime.UtcNow > deadline) break;
                await Task.Delay(200);
            } while (true);
            Assert.Equal("2 active silo(s)", silo);
        }

        // The demo was seeded once, not twice, although both started on an empty database together.
        var admin = await cluster.A.SignedInAsync(LmsServer.Admin);
        var school = await cluster.A.DemoSchoolIdAsync();
        var people = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/people?take=1"));
        Assert.Equal(6, people.GetProperty("total").GetInt32());

        // A cookie issued by A is honoured by B (shared keys); progress recorded through A is read through B.
        // Cookies belong to the host, not the port: one jar serves both servers, like one browser behind a load balancer.
        var jar = new CookieContainer();
        var studentOnA = await cluster.A.SignedInAsync(LmsServer.Student1, cookies: jar);
        var courses = await ProblemAssert.OkAsync<JsonElement>(await studentOnA.GetAsync("/api/courses"));
        var courseId = courses.GetProperty("items")[0].GetProperty("id").GetString();
        var course = await ProblemAssert.OkAsync<JsonElement>(await studentOnA.GetAsync($"/api/courses/{courseId}"));
        var itemId = course.GetProperty("modules")[0].GetProperty("items")[0].GetProperty("id").GetString();
        await ProblemAssert.OkAsync<JsonElement>(await studentOnA.PostAsync($"/api/courses/{courseId}/items/{itemId}/seen", null));

        using var studentOnB = cluster.B.Client(jar);
        var progress = await ProblemAssert.OkAsync<JsonElement>(await studentOnB.GetAsync($"/api/courses/{courseId}/progress"));
        Assert.Equal(1, progress.GetProperty("seen").GetInt32());
    }
}

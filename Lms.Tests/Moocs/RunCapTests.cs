using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Moocs;
using Lms.Tests.Infrastructure;
using Orleans;

namespace Lms.Tests.Moocs;

public sealed class RunCapTestsOnSqlite(SqliteLmsServer server) : RunCapTests(server), IClassFixture<SqliteLmsServer>;

public sealed class RunCapTestsOnPostgres(PostgresLmsServer server) : RunCapTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// A run's enrolment cap is held by the database, not by the run grain's memory: sign-ups that reach the store from
/// several callers at once (as two activations of the grain would during cluster churn) still stop at the cap.
/// </summary>
public abstract class RunCapTests(LmsServer server)
{
    private readonly MoocKit _kit = new(server);

    [Fact]
    public async Task Fifty_parallel_sign_ups_straight_to_the_store_for_a_cap_of_thirty_enrol_exactly_thirty()
    {
        var mooc = await _kit.CreateAsync($"Lớp 30 chỗ {Guid.NewGuid().ToString("N")[..6]}");
        await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PutAsJsonAsync($"/api/moocs/runs/{mooc.RunId}",
            new { label = "1", pace = "self", cap = 30 }));
        var users = server.Get<UserRepository>();
        var learners = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            var id = Guid.CreateVersion7();
            await users.InsertAsync(new NewUser(id, $"cap{id:N}@run.test", null, $"Học viên {i}", "x"));
            learners.Add(id);
        }
        var moocs = server.Get<MoocRepository>();

        var outcomes = await Task.WhenAll(learners.Select(id => Task.Run(() => moocs.EnrolAsync(mooc.RunId, mooc.Id, id))));

        Assert.Equal(30, outcomes.Count(o => o.Outcome == EnrolOutcome.Enrolled));
        Assert.Equal(20, outcomes.Count(o => o.Outcome == EnrolOutcome.Full));
        Assert.All(outcomes, o => Assert.InRange(o.Enrolled, 1, 30));
        await using (var connection = await server.Get<Db>().OpenAsync())
        {
            Assert.Equal(30L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM enrolments WHERE course_id = @id", new { id = mooc.Id }));
            Assert.Equal(30, await connection.ExecuteScalarAsync<int>("SELECT enrolled FROM mooc_runs WHERE id = @id", new { id = mooc.RunId }));
        }

        // Someone already in is told so, not that the run is full; the grain reports the store's count.
        var again = await moocs.EnrolAsync(mooc.RunId, mooc.Id, learners[outcomes.ToList().FindIndex(o => o.Outcome == EnrolOutcome.Enrolled)]);
        Assert.Equal((EnrolOutcome.AlreadyEnrolled, 30), again);
        var grain = server.Get<IGrainFactory>().GetGrain<ICourseRunGrain>(mooc.RunId);
        var late = await grain.Enrol(learners[outcomes.ToList().FindIndex(o => o.Outcome == EnrolOutcome.Full)]);
        Assert.Equal(EnrolOutcome.Full, late.Outcome);
        Assert.Equal(30, late.Stats!.Enrolled);
    }
}

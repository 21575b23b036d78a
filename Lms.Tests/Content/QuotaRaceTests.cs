using System.Net;
using System.Text;
using Lms.Grains.Content;
using Lms.Grains.Identity;
using Lms.Server.Content;
using Lms.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Lms.Tests.Content;

public sealed class QuotaRaceTestsOnSqlite(SqliteLmsServer server) : QuotaRaceTests(server), IClassFixture<SqliteLmsServer>;

public sealed class QuotaRaceTestsOnPostgres(PostgresLmsServer server) : QuotaRaceTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// Storage quota under a burst: many uploads of one school asked for at the same moment. A check followed by an
/// insert lets them all pass; the reservation is atomic, so exactly the ones that fit are taken.
/// </summary>
public abstract class QuotaRaceTests(LmsServer server)
{
    private const int Uploads = 20;
    private const long FileBytes = 10_000;
    private const int Fitting = 13;

    private async Task<(Guid School, HttpClient Teacher)> SchoolWithQuotaAsync()
    {
        var login = $"gv-{Guid.NewGuid().ToString("N")[..8]}@quota.test";
        var school = await server.AddSchoolAsync("Trường dung lượng " + Guid.NewGuid().ToString("N")[..6], (Roles.Teacher, "Cô Dung Lượng", login));
        // Room for 13 files and a half: the 14th does not fit.
        await server.Get<ContentRepository>().SetQuotaAsync(school.Id, Fitting * FileBytes + FileBytes / 2);
        return (school.Id, await server.SignedInAsync(login));
    }

    [Fact]
    public async Task Twenty_parallel_uploads_over_the_quota_take_exactly_the_ones_that_fit()
    {
        var (school, teacher) = await SchoolWithQuotaAsync();
        var items = new List<string>();
        for (var i = 0; i < Uploads; i++) items.Add(await ContentClient.CreateItemAsync(teacher, school, "video", $"Video {i}"));

        var answers = await Task.WhenAll(items.Select(item => ContentClient.CreateUploadAsync(teacher, item, "bai.mp4", FileBytes)));

        var created = answers.Count(a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(Fitting, created);
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.RequestEntityTooLarge, "quota-exceeded");
        var usage = await server.Get<ContentRepository>().UsageAsync(school, 0);
        Assert.Equal(Fitting * FileBytes, usage.UsedBytes);
        Assert.True(usage.UsedBytes <= usage.QuotaBytes);

        // Abandoning one frees its space for exactly one more.
        var first = answers.First(a => a.StatusCode == HttpStatusCode.Created).Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.NoContent, (await teacher.SendAsync(ContentClient.Tus(HttpMethod.Delete, first))).StatusCode);
        var again = await Task.WhenAll(items.Take(3).Select(item => ContentClient.CreateUploadAsync(teacher, item, "lai.mp4", FileBytes)));
        Assert.Equal(1, again.Count(a => a.StatusCode == HttpStatusCode.Created));
    }

    [Fact]
    public async Task Recording_pieces_in_transit_hold_their_space_until_released()
    {
        var (school, _) = await SchoolWithQuotaAsync();
        var quota = server.Get<StorageQuota>();
        var defaultQuota = server.Get<IOptions<ContentOptions>>().Value.QuotaBytes;

        // Pieces of several recordings arriving at once, as PUT /pieces reserves them before reading their bodies.
        var reservations = await Task.WhenAll(Enumerable.Range(0, Uploads).Select(_ => quota.ReserveInTransitAsync(school, FileBytes, defaultQuota)));

        Assert.Equal(Fitting, reservations.Count(r => r.Granted));
        Assert.All(reservations.Where(r => !r.Granted), r => Assert.Null(r.ReservationId));
        var content = server.Get<ContentRepository>();
        Assert.Equal(Fitting * FileBytes, (await content.UsageAsync(school, 0)).UsedBytes);

        foreach (var held in reservations.Where(r => r.Granted)) await quota.ReleaseAsync(held.ReservationId!.Value);
        Assert.Equal(0, (await content.UsageAsync(school, 0)).UsedBytes);
    }

    [Fact]
    public async Task Subtitles_sent_as_a_plain_form_upload_count_against_the_quota_too()
    {
        var (school, teacher) = await SchoolWithQuotaAsync();
        var itemId = await ContentClient.CreateItemAsync(teacher, school, "video", "Có phụ đề");
        var quota = server.Get<StorageQuota>();
        var defaultQuota = server.Get<IOptions<ContentOptions>>().Value.QuotaBytes;
        // The school's space is all but full (a file in transit holds it).
        var held = await quota.ReserveInTransitAsync(school, Fitting * FileBytes, defaultQuota);
        Assert.True(held.Granted);
        HttpContent Form() => new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes("1\r\n00:00:00,000 --> 00:00:01,500\r\n" + new string('a', 6_000) + "\r\n")), "file", "vi.srt" },
            { new StringContent("vi"), "language" },
        };

        await ProblemAssert.IsProblemAsync(await teacher.PostAsync($"/api/content/items/{itemId}/subtitles", Form()),
            HttpStatusCode.RequestEntityTooLarge, "quota-exceeded");
        Assert.Empty((await server.Get<ContentRepository>().SubtitlesAsync(Guid.Parse(itemId))));

        await quota.ReleaseAsync(held.ReservationId!.Value);
        Assert.Equal(HttpStatusCode.Created, (await teacher.PostAsync($"/api/content/items/{itemId}/subtitles", Form())).StatusCode);
    }
}

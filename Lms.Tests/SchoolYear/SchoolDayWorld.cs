using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.SchoolYear;

/// <summary>
/// A school of its own for one test, as a school would set it up through the API: an admin; a homeroom teacher of
/// 10A1 (who also teaches Ngữ văn), a maths teacher; An and Bình in 10A1, Chi in 10A2; An's and Chi's parent, and
/// Bình's. A school year whose first term holds <see cref="RollDay"/> (a week before today, in Vietnam), the upper
/// secondary curriculum's subjects, and the class teachers set.
/// </summary>
public sealed class SchoolDayWorld
{
    private readonly LmsServer _server;
    private readonly string _tag;

    private SchoolDayWorld(LmsServer server, string tag) => (_server, _tag) = (server, tag);

    public Guid SchoolId { get; private set; }
    public Guid YearId { get; private set; }
    public Guid Term1Id { get; private set; }
    public Guid Class10A1 { get; private set; }
    public Guid Class10A2 { get; private set; }
    public Guid Maths { get; private set; }
    public Guid Literature { get; private set; }
    public Guid An { get; private set; }
    public Guid Binh { get; private set; }
    public Guid Chi { get; private set; }
    public Guid HomeroomId { get; private set; }
    public Guid MathsTeacherId { get; private set; }

    /// <summary>A past day of the first term (rolls are not taken ahead), a week before today in Vietnam.</summary>
    public DateOnly RollDay { get; } = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).DateTime).AddDays(-7);

    public string Day => RollDay.ToString("yyyy-MM-dd");

    /// <summary>1 = Monday … 7 = Sunday.</summary>
    public int Weekday => RollDay.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)RollDay.DayOfWeek;

    /// <summary>The day as a Vietnamese timetable writes it: Thứ 2 … Thứ 7, CN.</summary>
    public string DayName => Weekday == 7 ? "CN" : $"Thứ {Weekday + 1}";

    public HttpClient Admin { get; private set; } = null!;
    public HttpClient Homeroom { get; private set; } = null!;
    public HttpClient MathsTeacher { get; private set; } = null!;
    public HttpClient AnParent { get; private set; } = null!;
    public HttpClient BinhParent { get; private set; } = null!;
    public HttpClient AnHimself { get; private set; } = null!;

    public string Email(string who) => $"{who}.{_tag}@school-day.test";
    public string AnParentEmail => Email("ph-an");

    public static async Task<SchoolDayWorld> CreateAsync(LmsServer server)
    {
        var world = new SchoolDayWorld(server, Guid.NewGuid().ToString("N")[..8]);
        await world.SetUpAsync();
        return world;
    }

    private async Task SetUpAsync()
    {
        var school = await _server.Get<InstitutionRepository>().CreateAsync(null, InstitutionKinds.School, "Trường THPT " + _tag, null);
        SchoolId = school.Id;
        RosterEntry Person(int line, string role, string name, string who, string? className = null, params string[] parentOf) =>
            new(line, role, name, Email(who), null, className, LmsServer.DemoPassword, parentOf.Select(Email).ToList());
        var (outcome, problems) = await _server.Get<RosterImport>().ApplyAsync(SchoolId,
        [
            Person(2, Roles.Admin, "Quản Trị Trường", "qt"), Person(3, Roles.Teacher, "Nguyễn Thị Chủ Nhiệm", "gvcn"),
            Person(4, Roles.Teacher, "Trần Văn Toán", "gvtoan"), Person(5, Roles.Student, "Lê Hoàng An", "an", "10A1"),
            Person(6, Roles.Student, "Phạm Thanh Bình", "binh", "10A1"), Person(7, Roles.Student, "Đỗ Minh Chi", "chi", "10A2"),
            Person(8, Roles.Parent, "Lê Văn Phụ Huynh", "ph-an", null, "an", "chi"), Person(9, Roles.Parent, "Phạm Thị Mẹ Bình", "ph-binh", null, "binh"),
        ]);
        Assert.True(outcome is not null, string.Join("; ", problems.Select(p => p.Message)));
        Admin = await _server.SignedInAsync(Email("qt"));
        Homeroom = await _server.SignedInAsync(Email("gvcn"));
        MathsTeacher = await _server.SignedInAsync(Email("gvtoan"));
        AnParent = await _server.SignedInAsync(AnParentEmail);
        BinhParent = await _server.SignedInAsync(Email("ph-binh"));
        AnHimself = await _server.SignedInAsync(Email("an"));
        (An, Binh, Chi) = (await _server.UserIdAsync(Email("an")), await _server.UserIdAsync(Email("binh")), await _server.UserIdAsync(Email("chi")));
        (HomeroomId, MathsTeacherId) = (await _server.UserIdAsync(Email("gvcn")), await _server.UserIdAsync(Email("gvtoan")));

        var year = await OkAsync(await Admin.PostAsJsonAsync($"/api/institutions/{SchoolId}/school-years", new
        {
            name = "2026-" + _tag[..4],
            terms = new[]
            {
                new { startsOn = RollDay.AddDays(-60), endsOn = RollDay.AddDays(20) }, new { startsOn = RollDay.AddDays(21), endsOn = RollDay.AddDays(150) },
            },
        }));
        YearId = year.GetProperty("id").GetGuid();
        Term1Id = year.GetProperty("terms")[0].GetProperty("id").GetGuid();
        var subjects = await OkAsync(await Admin.PostAsJsonAsync($"/api/institutions/{SchoolId}/subjects/curriculum", new { level = "thpt" }));
        Maths = SubjectId(subjects, "TOAN");
        Literature = SubjectId(subjects, "VAN");
        var classes = (await OkAsync(await Admin.GetAsync($"/api/institutions/{SchoolId}/classes"))).EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("id").GetGuid());
        (Class10A1, Class10A2) = (classes["10A1"], classes["10A2"]);
        await OkAsync(await Admin.PutAsJsonAsync($"/api/school-years/{YearId}/classes/{Class10A1}/homeroom", new { teacherId = HomeroomId }));
        await OkAsync(await Admin.PutAsJsonAsync($"/api/school-years/{YearId}/classes/{Class10A1}/subjects/{Maths}/teacher", new { teacherId = MathsTeacherId }));
    }

    private static Guid SubjectId(JsonElement added, string code) =>
        added.GetProperty("subjects").EnumerateArray().Single(s => s.GetProperty("code").GetString() == code).GetProperty("id").GetGuid();

    private static Task<JsonElement> OkAsync(HttpResponseMessage response) => ProblemAssert.OkAsync<JsonElement>(response);

    /// <summary>Posts a timetable file (lines after the header, ';' between cells) as a school's admin uploads it.</summary>
    public Task<HttpResponseMessage> ImportAsync(params string[] lines)
    {
        var text = "Lớp;Thứ;Tiết;Môn;Giáo viên;Phòng\n" + string.Join("\n", lines) + "\n";
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "tkb.csv");
        return Admin.PostAsync($"/api/school-years/{YearId}/timetable", form);
    }

    /// <summary>The usual week: maths then literature in 10A1 on the roll day, literature in 10A2 after them.</summary>
    public async Task<(Guid MathsPeriod, Guid LiteraturePeriod)> TimetableAsync()
    {
        var imported = await OkAsync(await ImportAsync(
            $"10A1;{DayName};1;Toán;{Email("gvtoan")};P201",
            $"10A1;{DayName};2;Ngữ văn;{Email("gvcn")};online",
            $"10A2;{DayName};3;VAN;{Email("gvcn")};P105"));
        Assert.Equal(3, imported.GetProperty("periods").GetInt32());
        var week = (await OkAsync(await Admin.GetAsync($"/api/school-years/{YearId}/classes/{Class10A1}/timetable"))).EnumerateArray().ToList();
        return (week.Single(s => s.GetProperty("period").GetInt32() == 1).GetProperty("id").GetGuid(),
            week.Single(s => s.GetProperty("period").GetInt32() == 2).GetProperty("id").GetGuid());
    }

    public string RollUrl(Guid slotId) => $"/api/school-year/slots/{slotId}/roll/{Day}";

    public static object Marks(params (Guid Student, string Status, bool Excused)[] marks) =>
        new { marks = marks.Select(m => new { studentId = m.Student, status = m.Status, excused = m.Excused }).ToArray() };

    /// <summary>A student's year as <paramref name="viewer"/> sees it on the roll day.</summary>
    public async Task<JsonElement> StudentYearAsync(HttpClient viewer, Guid student) =>
        await OkAsync(await viewer.GetAsync($"/api/school-year/students/{student}?day={Day}"));

    public static async Task<HttpStatusCode> StatusAsync(Task<HttpResponseMessage> request) => (await request).StatusCode;
}

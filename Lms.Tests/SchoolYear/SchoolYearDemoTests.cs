using System.Globalization;
using System.Text.Json;
using Lms.Server.SchoolYear;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.SchoolYear;

/// <summary>
/// A newcomer's first start: the demo school has its year, so the demo teacher, student and parent find a school day
/// (the teacher's periods and homeroom class, the student's timetable, the parent's marks) without setting anything up.
/// </summary>
public sealed class SchoolYearDemoTests(SqliteLmsServer server) : IClassFixture<SqliteLmsServer>
{
    [Theory]
    [InlineData("2026-12-07", "2026-2027")]
    [InlineData("2027-03-01", "2026-2027")]
    [InlineData("2027-07-31", "2026-2027")]
    [InlineData("2027-08-01", "2027-2028")]
    public void The_demo_year_is_the_school_year_the_day_falls_in(string day, string name)
    {
        var (yearName, terms) = SchoolYearDemo.YearAround(DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture));
        Assert.Equal(name, yearName);
        Assert.Equal(2, terms.Count);
        Assert.True(terms[0].Ends < terms[1].Starts);
    }

    [Fact]
    public async Task The_demo_teacher_student_and_parent_each_find_their_school_day()
    {
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var tuesday = await TuesdayOfFirstTermAsync(teacher);
        var today = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/school-year/today?day={tuesday}"));
        Assert.Equal([(1, "10A1", "Toán"), (2, "10A2", "Toán"), (3, "10A1", "Tin học")], today.GetProperty("teaching").EnumerateArray()
            .Select(p => p.GetProperty("slot")).Select(s => (s.GetProperty("period").GetInt32(), s.GetProperty("className").GetString()!,
                s.GetProperty("subjectName").GetString()!)).ToList());
        Assert.Equal(["10A1"], today.GetProperty("homeroom").EnumerateArray().Select(h => h.GetProperty("className").GetString()!).ToList());

        var student = await server.SignedInAsync(LmsServer.Student3);
        var attending = (await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/school-year/today?day={tuesday}")))
            .GetProperty("attending").EnumerateArray().Select(s => (s.GetProperty("period").GetInt32(), s.GetProperty("subjectName").GetString()!)).ToList();
        Assert.Equal([(2, "Toán")], attending);

        var parent = await server.SignedInAsync(LmsServer.Parent);
        var child = await server.UserIdAsync(LmsServer.Student1);
        var marks = await ProblemAssert.OkAsync<JsonElement>(await parent.GetAsync($"/api/school-year/students/{child}/marks"));
        var maths = marks.GetProperty("subjects").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "Toán");
        var firstTerm = maths.GetProperty("terms").EnumerateArray().Single(t => t.GetProperty("number").GetInt32() == 1).GetProperty("cells");
        Assert.Equal("8.5", firstTerm.GetProperty("tx1").GetString());
        Assert.Equal("7.5", firstTerm.GetProperty("gk").GetString());
    }

    /// <summary>A Tuesday of the demo year's first term (the timetable is by weekday).</summary>
    private static async Task<string> TuesdayOfFirstTermAsync(HttpClient teacher)
    {
        var books = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync("/api/school-year/mark-books"));
        var first = books.GetProperty("terms").EnumerateArray().Single(t => t.GetProperty("number").GetInt32() == 1);
        var day = DateOnly.ParseExact(first.GetProperty("startsOn").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        while (day.DayOfWeek != DayOfWeek.Tuesday) day = day.AddDays(1);
        return day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}

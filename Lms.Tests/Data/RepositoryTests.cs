using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Data;

/// <summary>What the store itself guarantees, on SQLite and on PostgreSQL alike.</summary>
public sealed class RepositoryTests(PostgresServer postgres)
{
    private async Task<Db> DbAsync(DatabaseProvider provider) => new(await TestDatabase.CreateAsync(provider, postgres));

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_email_or_national_identifier_belongs_to_one_person_while_many_may_have_none(DatabaseProvider provider)
    {
        var users = new UserRepository(await DbAsync(provider), TimeProvider.System);
        await users.InsertAsync(new NewUser(Guid.CreateVersion7(), "Mot@Unique.test", "001200000001", "Một", "h"));
        await users.InsertAsync(new NewUser(Guid.CreateVersion7(), null, null, "Không email", "h"));
        await users.InsertAsync(new NewUser(Guid.CreateVersion7(), null, null, "Cũng không", "h"));

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            users.InsertAsync(new NewUser(Guid.CreateVersion7(), "mot@unique.test", null, "Trùng email", "h")));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            users.InsertAsync(new NewUser(Guid.CreateVersion7(), null, "001200000001", "Trùng mã", "h")));
        Assert.Equal("Một", (await users.FindByLoginAsync("MOT@unique.test"))!.DisplayName);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Times_and_ids_come_back_as_written(DatabaseProvider provider)
    {
        var db = await DbAsync(provider);
        var clock = TimeProvider.System;
        var users = new UserRepository(db, clock);
        var id = Guid.CreateVersion7();
        await users.InsertAsync(new NewUser(id, null, "001200000002", "Thời Gian", "h"));
        var lockedUntil = new DateTimeOffset(2026, 11, 23, 7, 30, 15, 123, TimeSpan.FromHours(7)).AddTicks(4567);

        Assert.True(await users.ClaimSignInAttemptAsync(id, lockedUntil.AddHours(-1), n => n == 1 ? lockedUntil : null));

        var user = (await users.GetAsync(id))!;
        Assert.Equal(id, user.Id);
        Assert.Equal(1, user.FailedSignIns);
        // To the microsecond: PostgreSQL keeps no finer time than that.
        Assert.Equal(lockedUntil.UtcTicks / 10, user.LockoutEnd!.Value.UtcTicks / 10);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_admin_of_a_department_administers_its_schools_but_a_teacher_role_does_not_flow_down(DatabaseProvider provider)
    {
        var db = await DbAsync(provider);
        var institutions = new InstitutionRepository(db, TimeProvider.System);
        var users = new UserRepository(db, TimeProvider.System);
        var ministry = await institutions.CreateAsync(null, InstitutionKinds.Ministry, "Bộ", null);
        var department = await institutions.CreateAsync(ministry, InstitutionKinds.Department, "Sở", null);
        var school = await institutions.CreateAsync(department, InstitutionKinds.School, "Trường", null);
        var sibling = await institutions.CreateAsync(ministry, InstitutionKinds.Department, "Sở khác", null);
        var person = Guid.CreateVersion7();
        await users.InsertAsync(new NewUser(person, "so@roles.test", null, "Chuyên viên Sở", "h"));
        await institutions.AddMembershipAsync(department.Id, person, Roles.Admin);
        await institutions.AddMembershipAsync(department.Id, person, Roles.Teacher);

        Assert.Equal([Roles.Admin], (await institutions.RolesAsync(person, school)).Order());
        Assert.Equal([Roles.Admin, Roles.Teacher], (await institutions.RolesAsync(person, department)).Order());
        Assert.Empty(await institutions.RolesAsync(person, ministry));
        Assert.Empty(await institutions.RolesAsync(person, sibling));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task My_courses_list_pages_and_hides_drafts_from_students(DatabaseProvider provider)
    {
        var db = await DbAsync(provider);
        var clock = TimeProvider.System;
        var school = await new InstitutionRepository(db, clock).CreateAsync(null, InstitutionKinds.School, "Trường", null);
        var users = new UserRepository(db, clock);
        var teacher = Guid.CreateVersion7();
        var student = Guid.CreateVersion7();
        await users.InsertAsync(new NewUser(teacher, "t@page.test", null, "Thầy", "h"));
        await users.InsertAsync(new NewUser(student, "s@page.test", null, "Trò", "h"));
        var courses = new CourseRepository(db, clock);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var id = await courses.CreateAsync(school.Id, $"Khoá {i}", null, CourseKinds.Blended, teacher);
            await courses.EnrolAsync(id, [student]);
            if (i % 2 == 0) await courses.SetStatusAsync(id, CourseStatuses.Published);
            ids.Add(id);
        }

        var first = await courses.MineAsync(teacher, new PageRequest(0, 2));
        var rest = await courses.MineAsync(teacher, new PageRequest(2, 10));
        Assert.Equal(5, first.Total);
        Assert.Equal(2, first.Items.Count);
        Assert.Equal(3, rest.Items.Count);
        Assert.Empty(first.Items.Select(c => c.Id).Intersect(rest.Items.Select(c => c.Id)));

        var mine = await courses.MineAsync(student, new PageRequest(0, 10));
        Assert.Equal(3, mine.Total);
        Assert.All(mine.Items, c => Assert.Equal(CourseStatuses.Published, c.Status));
        Assert.All(mine.Items, c => Assert.Equal("student", c.MyRole));
    }

    [Fact]
    public void Vietnamese_names_fold_for_search()
    {
        Assert.Equal("nguyen van duc", SearchText.Fold("  Nguyễn Văn Đức "));
        Assert.Equal("%le hoang an%", SearchText.Contains("Lê Hoàng An"));
        Assert.Equal("%50\\%\\_off%", SearchText.Contains("50%_off"));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Lms.Grains.Assessment;
using Lms.Grains.Courses;
using Lms.Grains.Credentials;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Moocs;
using Lms.Server.Hosting;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Lms.Tests.Data;

/// <summary>
/// Migrations as upgrades: a database made by an earlier release's migrations and filled by that release's SQL is
/// migrated to today's schema and read back through today's repositories and API; and a binary older than its
/// database's schema refuses to start, saying why.
/// </summary>
public sealed class UpgradeMigrationTests(PostgresServer postgres)
{
    /// <summary>
    /// The schema of the release before credentials could be re-issued (M0451), the catalogue folded i/y spellings
    /// (M0452, a data migration), runs had extensions (M0453) and lessons had live quizzes (M0500).
    /// </summary>
    private const long PreviousRelease = 450;

    private const string Password = "Nang-cap-2026";

    private static readonly TimeProvider Clock = TimeProvider.System;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_database_filled_by_the_previous_release_is_upgraded_and_everything_in_it_reads_back(DatabaseProvider provider)
    {
        var options = await TestDatabase.CreateAsync(provider, postgres, PreviousRelease);
        var db = new Db(options);
        Assert.Equal(PreviousRelease, await SchemaVersionAsync(db));
        var old = await FillAsReleasedAsync(db);

        SchemaMigrator.MigrateUp(db);
        Assert.Equal(SchemaMigrator.LatestVersion, await SchemaVersionAsync(db));

        // Through today's repositories: every row is there, and the columns added since read their defaults.
        var users = new UserRepository(db, Clock);
        var student = await users.FindByLoginAsync("hs@nangcap.test");
        Assert.Equal("Lê Thị Nâng Cấp", student!.DisplayName);
        Assert.False(student.PlatformAdmin);
        Assert.Contains(await users.MembershipsAsync(student.Id), m => m.InstitutionId == old.School && m.Role == Roles.Student);
        var course = await new CourseRepository(db, Clock).GetAsync(old.Course);
        Assert.Equal("Vật lí 10 — Chuyển động", course!.Title);
        await using (var writer = new GroupCommitWriter(db))
        {
            var attempt = await new AttemptRepository(db, writer).GetAsync(old.Attempt);
            Assert.Equal("submitted", attempt!.Status);
            Assert.Equal(7.5, attempt.Score);
            Assert.Equal(10.0, attempt.MaxScore);
        }
        var credential = await new CredentialRepository(db, Clock).GetAsync(old.Credential);
        Assert.Equal((8.5m, 0, (Guid?)null), (credential!.Grade, credential.Generation, credential.SupersededBy));
        // M0452 refolded the catalogue text written before it: "kỹ" is found by "kĩ" now.
        var found = await new MoocRepository(db, Clock).SearchAsync(new CatalogueQuery("kĩ thuật", null, null, null, null, false), PageRequest.Of(0, 10));
        Assert.Equal([old.Mooc], found.Items.Select(i => i.Id));

        // Through today's API, served from the upgraded database.
        await using var app = await StartAsync(options);
        var client = new HttpClient { BaseAddress = app.Address };
        await ProblemAssert.OkAsync<JsonElement>(await client.PostAsJsonAsync("/api/identity/sign-in", new { login = "gv@nangcap.test", password = Password }));
        var seen = await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync($"/api/courses/{old.Course}"));
        Assert.Equal("Vật lí 10 — Chuyển động", seen.GetProperty("title").GetString());
        var learner = new HttpClient { BaseAddress = app.Address };
        await ProblemAssert.OkAsync<JsonElement>(await learner.PostAsJsonAsync("/api/identity/sign-in", new { login = "hs@nangcap.test", password = Password }));
        var mine = await ProblemAssert.OkAsync<JsonElement>(await learner.GetAsync("/api/credentials"));
        Assert.Contains(old.Credential.ToString(), mine.GetRawText());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_server_older_than_its_databases_schema_refuses_to_start_and_says_why(DatabaseProvider provider)
    {
        var options = await TestDatabase.CreateAsync(provider, postgres);
        var db = new Db(options);
        var newer = SchemaMigrator.LatestVersion + 1;
        await using (var connection = await db.OpenAsync())
            await connection.ExecuteAsync("INSERT INTO \"VersionInfo\" (\"Version\", \"AppliedOn\", \"Description\") VALUES (@newer, CURRENT_TIMESTAMP, 'From a newer Lms')",
                new { newer });

        var refused = await Assert.ThrowsAsync<SchemaTooNewException>(async () => await StartAsync(options));
        Assert.Contains($"version {newer}", refused.Message);
        Assert.Contains($"(version {SchemaMigrator.LatestVersion})", refused.Message);
        Assert.Equal(newer, await SchemaVersionAsync(db)); // and it left the database as it found it
    }

    private sealed record Released(Guid School, Guid Course, Guid Attempt, Guid Credential, Guid Mooc);

    /// <summary>People, a MOOC course in the catalogue with a submitted attempt, and a credential, as release 450 wrote them.</summary>
    private static async Task<Released> FillAsReleasedAsync(Db db)
    {
        var now = DateTimeOffset.UtcNow;
        Guid school = Guid.CreateVersion7(), teacher = Guid.CreateVersion7(), student = Guid.CreateVersion7(), course = Guid.CreateVersion7(),
            module = Guid.CreateVersion7(), question = Guid.CreateVersion7(), quiz = Guid.CreateVersion7(), attempt = Guid.CreateVersion7(),
            credential = Guid.CreateVersion7();
        var hash = new Passwords().Hash(Password);
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT INTO institutions (id, parent_id, kind, name, code, path, created_at) VALUES (@school, NULL, 'school', 'Trường Nâng Cấp', 'NC-1', @path, @now)",
            new { school, path = $"/{school:D}/", now });
        foreach (var (id, email, name, role) in new[] { (teacher, "gv@nangcap.test", "Trần Văn Giáo", Roles.Teacher), (student, "hs@nangcap.test", "Lê Thị Nâng Cấp", Roles.Student) })
        {
            await connection.ExecuteAsync(
                "INSERT INTO users (id, email, national_id, display_name, search_name, password_hash, failed_sign_ins, created_at, pending_email, claimed_at, " +
                "created_by_institution_id, platform_admin) VALUES (@id, @email, NULL, @name, @search, @hash, 0, @now, NULL, @now, @school, @no)",
                new { id, email, name, search = SearchText.Fold(name), hash, now, school, no = false });
            await connection.ExecuteAsync("INSERT INTO memberships (institution_id, user_id, role, created_at) VALUES (@school, @id, @role, @now)",
                new { school, id, role, now });
        }
        await connection.ExecuteAsync(
            "INSERT INTO courses (id, institution_id, title, summary, kind, status, created_by, created_at, updated_at) " +
            "VALUES (@course, @school, 'Vật lí 10 — Chuyển động', NULL, 'mooc', 'published', @teacher, @now, @now)",
            new { course, school, teacher, now });
        await connection.ExecuteAsync("INSERT INTO course_staff (course_id, user_id, role) VALUES (@course, @teacher, @role)",
            new { course, teacher, role = StaffRoles.Owner });
        await connection.ExecuteAsync("INSERT INTO enrolments (course_id, user_id, enrolled_at) VALUES (@course, @student, @now)", new { course, student, now });
        await connection.ExecuteAsync("INSERT INTO course_modules (id, course_id, title, position) VALUES (@module, @course, 'Chương 1', 0)", new { module, course });
        await connection.ExecuteAsync(
            "INSERT INTO questions (id, institution_id, created_by, type, title, subject, level, tags, difficulty, shared, current_version, search_text, deleted, created_at, updated_at) " +
            "VALUES (@question, @school, @teacher, 'truefalse', 'Vận tốc', NULL, NULL, '||', 1, @no, 1, 'van toc', @no, @now, @now)",
            new { question, school, teacher, no = false, now });
        await connection.ExecuteAsync(
            "INSERT INTO quizzes (id, course_id, title, settings, definition, created_at, updated_at) VALUES (@quiz, @course, 'Kiểm tra', '{}', '{\"sections\":[]}', @now, @now)",
            new { quiz, course, now });
        await connection.ExecuteAsync(
            "INSERT INTO quiz_attempts (id, quiz_id, user_id, number, seed, status, started_at, deadline_at, submitted_at, submitted_by, score, max_score, needs_grading, overall_feedback) " +
            "VALUES (@attempt, @quiz, @student, 1, 42, 'submitted', @started, NULL, @now, 'learner', 7.5, 10.0, @no, NULL)",
            new { attempt, quiz, student, started = now.AddMinutes(-20), now, no = false });
        await connection.ExecuteAsync(
            "INSERT INTO moocs (id, institution_id, slug, subject, language, level, syllabus, instructors, effort_hours_per_week, duration_weeks, credits, ects, " +
            "price_vnd, image_url, search_text, updated_at) VALUES (@course, @school, 'ky-thuat-so', 'Kỹ thuật', 'vi', 'beginner', NULL, NULL, NULL, NULL, 3, NULL, 0, NULL, @search, @now)",
            new { course, school, search = SearchText.Fold("Kỹ thuật số Vật lí 10 Trường Nâng Cấp"), now });
        await connection.ExecuteAsync(
            "INSERT INTO credentials (id, kind, user_id, institution_id, course_id, subject_name, course_title, grade, credits, ects, status_index, kid, jwt, issued_at, " +
            "revoked_at, revocation_reason) VALUES (@credential, 'certificate', @student, @school, @course, 'Lê Thị Nâng Cấp', 'Vật lí 10 — Chuyển động', 8.5, 3, NULL, 1, " +
            "'nc-key-1', 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln', @now, NULL, NULL)",
            new { credential, student, school, course, now });
        return new Released(school, course, attempt, credential, course);
    }

    private static async Task<long> SchemaVersionAsync(Db db)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT MAX(\"Version\") FROM \"VersionInfo\"");
    }

    /// <summary>Today's server on that database (no demo seed), on a free loopback port.</summary>
    private static async Task<RunningApp> StartAsync(DatabaseOptions options)
    {
        var data = Path.Combine(Path.GetTempPath(), "lms-upgrade-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        var app = LmsApp.Build([
            "--urls=http://127.0.0.1:0", "--environment=Production", $"--Database:Provider={options.Provider}",
            $"--ConnectionStrings:Lms={options.ConnectionString}", $"--Data:Directory={data}", "--Demo:Seed=false",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningApp(app, new Uri(address), data);
    }

    private sealed record RunningApp(WebApplication App, Uri Address, string Data) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
            try { Directory.Delete(Data, recursive: true); } catch (IOException) { }
        }
    }
}

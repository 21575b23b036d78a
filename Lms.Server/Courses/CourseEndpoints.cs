using System.ComponentModel.DataAnnotations;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Courses;

public sealed record CreateCourseRequest(
    Guid InstitutionId,
    [property: Required, StringLength(200, MinimumLength = 1)] string Title,
    [property: StringLength(4000)] string? Summary,
    [property: Required, StringLength(20)] string Kind);

public sealed record UpdateCourseRequest(
    [property: Required, StringLength(200, MinimumLength = 1)] string Title,
    [property: StringLength(4000)] string? Summary,
    [property: Required, StringLength(20)] string Kind);

public sealed record ModuleRequest([property: Required, StringLength(200, MinimumLength = 1)] string Title);

public sealed record OrderRequest([property: Required] IReadOnlyList<Guid> Ids);

public sealed record ItemRequest(
    [property: Required, StringLength(20)] string Kind,
    [property: Required, StringLength(200, MinimumLength = 1)] string Title,
    [property: StringLength(CourseEndpoints.MaxBodyLength)] string? Body,
    [property: StringLength(2000)] string? Url);

public sealed record UpdateItemRequest(
    [property: Required, StringLength(200, MinimumLength = 1)] string Title,
    [property: StringLength(CourseEndpoints.MaxBodyLength)] string? Body,
    [property: StringLength(2000)] string? Url);

/// <summary>Who to enrol: people by id or login, and/or a whole class of the institution.</summary>
public sealed record EnrolRequest(
    IReadOnlyList<Guid>? UserIds,
    IReadOnlyList<string>? Logins,
    [property: StringLength(100)] string? ClassName);

public sealed record AddTeacherRequest([property: Required, StringLength(256)] string Login);

/// <param name="AvailableFrom">For a learner, when an item not yet released opens (its body and URL are withheld until then).</param>
/// <param name="DueAt">After it, learners can no longer do the item's work (unless extended).</param>
public sealed record ItemView(Guid Id, string Kind, string Title, string? Body, string? Url, int Position, bool Seen, Guid? RefId,
    DateTimeOffset? AvailableFrom = null, DateTimeOffset? DueAt = null);

public sealed record ModuleView(Guid Id, string Title, int Position, IReadOnlyList<ItemView> Items);

public sealed record ProgressView(int Seen, int Total, int Percent, DateTimeOffset? LastSeenAt);

public sealed record CourseView(
    Guid Id, Guid InstitutionId, string InstitutionName, string Title, string? Summary, string Kind, string Status,
    string MyRole, DateTimeOffset UpdatedAt, IReadOnlyList<ModuleView> Modules, ProgressView? Progress);

public sealed record EnrolResult(int Added, int AlreadyEnrolled);

public static class CourseEndpoints
{
    public const int MaxBodyLength = 100_000;

    public static void MapCourseEndpoints(this RouteGroupBuilder app)
    {
        var courses = app.MapGroup("/courses").WithTags("Courses");
        courses.MapGet("", Mine).WithSummary(
            "My courses: those I teach, and the published ones I am enrolled in; with learner=<id>, my child's courses.");
        courses.MapPost("", Create).ProducesProblems(403, 400).WithSummary("Create a course in an institution where I teach (a draft).");

        var course = courses.MapGroup("/{courseId:guid}").ProducesProblems(404);
        course.MapGet("", Get).WithSummary("A course with its outline, and my progress if I learn in it.");
        course.MapPut("", Update).ProducesProblems(403, 400).WithSummary("Change a course's title, summary or kind.");
        course.MapPost("/publish", (Guid courseId, HttpContext http, CourseAccess access, CourseRepository repo) =>
            SetStatus(courseId, CourseStatuses.Published, http, access, repo)).WithSummary("Publish: enrolled students see it.");
        course.MapPost("/unpublish", (Guid courseId, HttpContext http, CourseAccess access, CourseRepository repo) =>
            SetStatus(courseId, CourseStatuses.Draft, http, access, repo)).WithSummary("Back to draft: students no longer see it.");

        course.MapPost("/modules", AddModule).ProducesProblems(403, 400).WithSummary("Add a module at the end.");
        course.MapPut("/modules/order", ReorderModules).ProducesProblems(403, 400).WithSummary("Reorder modules: every module id, in the new order.");
        course.MapPut("/modules/{moduleId:guid}", RenameModule).ProducesProblems(403, 400).WithSummary("Rename a module.");
        course.MapDelete("/modules/{moduleId:guid}", DeleteModule).ProducesProblems(403).WithSummary("Delete a module and its items.");
        course.MapPost("/modules/{moduleId:guid}/items", AddItem).WithSummary("Add an item (a text page or a link) at the end of a module.")
            .ProducesProblems(403, 400);
        course.MapPut("/modules/{moduleId:guid}/items/order", ReorderItems).ProducesProblems(403, 400).WithSummary("Reorder a module's items.");
        course.MapPut("/items/{itemId:guid}", UpdateItem).ProducesProblems(403, 400).WithSummary("Change an item.");
        course.MapDelete("/items/{itemId:guid}", DeleteItem).ProducesProblems(403).WithSummary("Delete an item.");

        course.MapGet("/members", Members).ProducesProblems(403).WithSummary("Teachers and students, with each student's progress.");
        course.MapPost("/enrolments", Enrol).ProducesProblems(403, 400).WithSummary("Enrol students of the institution, by id, login or class.");
        course.MapDelete("/enrolments/{userId:guid}", Unenrol).ProducesProblems(403).WithSummary("Remove a student from the course.");
        course.MapPost("/teachers", AddTeacher).ProducesProblems(403, 400).WithSummary("Add a co-teacher from the institution's teachers.");
        course.MapDelete("/teachers/{userId:guid}", RemoveTeacher).ProducesProblems(403).WithSummary("Remove a co-teacher.");

        course.MapPost("/items/{itemId:guid}/seen", MarkSeen).ProducesProblems(403, 409).WithSummary("Record that I opened an item.");
        course.MapGet("/progress", Progress).ProducesProblems(403).WithSummary("My progress in the course.");
    }

    private static async Task<Page<MyCourseRow>> Mine(
        int? skip, int? take, Guid? learner, HttpContext http, CourseRepository repo, UserRepository users)
    {
        var me = http.User.Id();
        if (learner is null || learner == me) return await repo.MineAsync(me, PageRequest.Of(skip, take));
        // A parent follows their own children's courses, and nobody else's.
        if (!await users.IsParentOfAsync(me, learner.Value)) throw ProblemException.NotFound("The learner");
        return await repo.LearningAsync(learner.Value, PageRequest.Of(skip, take));
    }

    private static async Task<Created<CourseView>> Create(
        CreateCourseRequest request, HttpContext http, InstitutionAccess institutions, CourseAccess access,
        CourseRepository repo, IGrainFactory grains)
    {
        await institutions.RequireAsync(http.User, request.InstitutionId, Roles.Teacher, Roles.Admin);
        var kind = CheckKind(request.Kind);
        var id = await repo.CreateAsync(request.InstitutionId, request.Title.Trim(), Clean(request.Summary), kind, http.User.Id());
        return TypedResults.Created($"/api/courses/{id}", await ViewAsync(await access.ViewAsync(http.User, id), repo, grains));
    }

    private static async Task<CourseView> Get(Guid courseId, HttpContext http, CourseAccess access, CourseRepository repo, IGrainFactory grains)
    {
        var context = await access.ViewAsync(http.User, courseId);
        return await ViewAsync(context, repo, grains, await LockedAsync(http, context));
    }

    private static async Task<CourseView> Update(
        Guid courseId, UpdateCourseRequest request, HttpContext http, CourseAccess access, CourseRepository repo, IGrainFactory grains)
    {
        await access.TeachAsync(http.User, courseId);
        await repo.UpdateAsync(courseId, request.Title.Trim(), Clean(request.Summary), CheckKind(request.Kind));
        await ChangedAsync(http, courseId);
        return await ViewAsync(await access.ViewAsync(http.User, courseId), repo, grains);
    }

    private static async Task<NoContent> SetStatus(Guid courseId, string status, HttpContext http, CourseAccess access, CourseRepository repo)
    {
        await access.TeachAsync(http.User, courseId);
        await repo.SetStatusAsync(courseId, status);
        await ChangedAsync(http, courseId);
        return TypedResults.NoContent();
    }

    private static async Task ChangedAsync(HttpContext http, Guid courseId)
    {
        foreach (var listener in http.RequestServices.GetServices<ICourseChanged>())
            await listener.OnCourseChangedAsync(courseId);
    }

    /// <summary>Items the caller may not open yet (only learners wait for a release; teachers see everything).</summary>
    private static async Task<IReadOnlyDictionary<Guid, DateTimeOffset>> LockedAsync(HttpContext http, CourseContext context)
    {
        if (context.CanTeach || !context.CanLearn) return new Dictionary<Guid, DateTimeOffset>();
        var locked = new Dictionary<Guid, DateTimeOffset>();
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var availability in http.RequestServices.GetServices<IItemAvailability>())
            foreach (var (id, opens) in await availability.LockedAsync(context.Course.Id, now))
                locked[id] = locked.TryGetValue(id, out var other) && other > opens ? other : opens;
        return locked;
    }

    private static async Task<Created<ModuleView>> AddModule(
        Guid courseId, ModuleRequest request, HttpContext http, CourseAccess access, CourseRepository repo)
    {
        await access.TeachAsync(http.User, courseId);
        var module = await repo.AddModuleAsync(courseId, request.Title.Trim());
        return TypedResults.Created($"/api/courses/{courseId}", new ModuleView(module.Id, module.Title, module.Position, []));
    }

    private static async Task<NoContent> RenameModule(
        Guid courseId, Guid moduleId, ModuleRequest request, HttpContext http, CourseAccess access, CourseRepository repo)
    {
        await access.TeachAsync(http.User, courseId);
        if (!await repo.RenameModuleAsync(courseId, moduleId, request.Title.Trim())) throw ProblemException.NotFound("The module");
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> DeleteModule(Guid courseId, Guid moduleId, HttpContext http, CourseAccess access, CourseRepository repo)
    {
        await access.TeachAsync(http.User, courseId);
        if (!await repo.DeleteModuleAsync(courseId, moduleId)) throw ProblemException.NotFound("The module");
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> ReorderModules(
        Guid courseId, OrderRequest request, HttpContext http, CourseAccess access, CourseRepository repo)
    {
        await access.TeachAsync(http.User, courseId);
        if (!await repo.ReorderModulesAsync(courseId, request.Ids))
            throw ProblemException.Invalid("ids", "List every module of the course exactly once.");
        return TypedResults.NoContent();
    }

    private static async Task<Created<ItemView>> AddItem(
        Guid courseId, Guid moduleId, ItemRequest request, HttpContext http, CourseAccess access, CourseRepository repo)
    {
        await access.TeachAsync(http.User, courseId);
        var kind = request.Kind.Trim().ToLowerInvariant();
        if (!ItemKinds.Generic.Contains(kind))
            throw ProblemException.Invalid("kind", $"An item added here is one of: {string.Join(", ", ItemKinds.Generic)}.");
        var (body, url) = CheckItem(kind, request.Body, request.Url);
        var item = await repo.AddItemAsync(courseId, moduleId, kind, request.Title.Trim(), body, url)
                   ?? throw ProblemException.NotFound("The module");
        return TypedResults.Created($"/api/courses/{courseId}", ToView(item, seen: false));
    }

    private static async Task<NoContent> UpdateItem(
        Guid courseId, Guid itemId, UpdateItemRequest request, HttpContext http, CourseAccess access, CourseRepository repo)
    {
        await access.TeachAsync(http.User, courseId);
        var (_, items) = await repo.OutlineAsync(courseId);
        var item = items.FirstOrDefault(i => i.Id == itemId) ?? throw ProblemException.NotFound("The item");
        var (body, url) = CheckItem(item.Kind, request.Body, request.Url);
        await repo.UpdateItemAsync(courseId, itemId, request.Title.Trim(), body, url);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> DeleteItem(Guid courseId, Guid itemId, HttpContext http, CourseAccess access, CourseRepository repo)
    {
        await access.TeachAsync(http.User, courseId);
        if (!await repo.DeleteItemAsync(courseId, itemId)) throw ProblemException.NotFound("The item");
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> ReorderItems(
        Guid courseId, Guid moduleId, OrderRequest request, HttpContext http, CourseAccess access, CourseRepository repo)
    {
        await access.TeachAsync(http.User, courseId);
        if (!await repo.ReorderItemsAsync(courseId, moduleId, request.Ids))
            throw ProblemException.Invalid("ids", "List every item of the module exactly once.");
        return TypedResults.NoContent();
    }

    private static async Task<Page<CourseMemberRow>> Members(
        Guid courseId, int? skip, int? take, HttpContext http, CourseAccess access, CourseRepository repo)
    {
        await access.TeachAsync(http.User, courseId);
        return await repo.MembersAsync(courseId, PageRequest.Of(skip, take));
    }

    private static async Task<EnrolResult> Enrol(
        Guid courseId, EnrolRequest request, HttpContext http, CourseAccess access, CourseRepository repo,
        UserRepository users, InstitutionRepository institutions, ClassRepository classes)
    {
        var context = await access.TeachAsync(http.User, courseId);
        var institutionId = context.Course.InstitutionId;
        var ids = new HashSet<Guid>(request.UserIds ?? []);
        if ((request.Logins?.Count ?? 0) + ids.Count > 1000)
            throw ProblemException.Invalid("logins", "Enrol at most 1,000 people at a time.", "too-many");
        var loginOf = new Dictionary<Guid, string>();
        foreach (var login in request.Logins ?? [])
        {
            var user = await users.FindByLoginAsync(login)
                       ?? throw ProblemException.Invalid("logins", $"No one signs in as {login}.", "unknown-login", login);
            ids.Add(user.Id);
            loginOf[user.Id] = login;
        }
        if (!string.IsNullOrWhiteSpace(request.ClassName))
        {
            var classStudents = await repo.ClassStudentsAsync(institutionId, request.ClassName.Trim());
            if (classStudents.Count == 0)
                throw ProblemException.Invalid("className", $"The class {request.ClassName} has no students here.", "empty-class", request.ClassName);
            ids.UnionWith(classStudents);
        }
        if (ids.Count == 0) throw ProblemException.Invalid("userIds", "Name at least one student or a class.", "nobody");
        foreach (var id in ids)
            if (!await institutions.HasMemberAsync(institutionId, id, Roles.Student))
                throw ProblemException.Invalid(loginOf.ContainsKey(id) ? "logins" : "userIds",
                    "Only students of the course's institution can be enrolled.", "not-a-student", loginOf.GetValueOrDefault(id));
        var added = await repo.EnrolAsync(courseId, ids);
        // The course is the class's from now on: a student who moves into the class later is enrolled too.
        if (!string.IsNullOrWhiteSpace(request.ClassName)) await classes.LinkCourseAsync(institutionId, request.ClassName, courseId);
        return new EnrolResult(added, ids.Count - added);
    }

    private static async Task<NoContent> Unenrol(Guid courseId, Guid userId, HttpContext http, CourseAccess access, CourseRepository repo)
    {
        await access.TeachAsync(http.User, courseId);
        if (!await repo.UnenrolAsync(courseId, userId)) throw ProblemException.NotFound("The enrolment");
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> AddTeacher(
        Guid courseId, AddTeacherRequest request, HttpContext http, CourseAccess access, CourseRepository repo,
        UserRepository users, InstitutionRepository institutions)
    {
        var context = await access.TeachAsync(http.User, courseId);
        if (!context.CanManageTeachers) throw ProblemException.Forbidden("Only the course's owner or an admin adds teachers.");
        var user = await users.FindByLoginAsync(request.Login)
                   ?? throw ProblemException.Invalid("login", $"No one signs in as {request.Login}.", "unknown-login", request.Login);
        if (!await institutions.HasMemberAsync(context.Course.InstitutionId, user.Id, Roles.Teacher))
            throw ProblemException.Invalid("login", "Only teachers of the course's institution can teach it.", "not-a-teacher", request.Login);
        await repo.AddTeacherAsync(courseId, user.Id);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> RemoveTeacher(Guid courseId, Guid userId, HttpContext http, CourseAccess access, CourseRepository repo)
    {
        var context = await access.TeachAsync(http.User, courseId);
        if (!context.CanManageTeachers) throw ProblemException.Forbidden("Only the course's owner or an admin removes teachers.");
        if (!await repo.RemoveTeacherAsync(courseId, userId)) throw ProblemException.NotFound("The co-teacher");
        return TypedResults.NoContent();
    }

    private static async Task<ProgressView> MarkSeen(Guid courseId, Guid itemId, HttpContext http, CourseAccess access, IGrainFactory grains)
    {
        var context = await access.ViewAsync(http.User, courseId);
        if (!context.CanLearn) throw ProblemException.Forbidden("Progress is kept for the course's students.");
        if ((await LockedAsync(http, context)).TryGetValue(itemId, out var opens))
            throw ProblemException.Conflict($"This item opens on {opens:u}.");
        await WorkWindows.RequireOpenAsync(http.RequestServices, courseId, context.UserId, itemId);
        var progress = await grains.GetGrain<ILearnerCourseGrain>(LearnerCourseKey.For(courseId, context.UserId)).MarkSeen(itemId)
                       ?? throw ProblemException.NotFound("The item");
        return ToView(progress);
    }

    private static async Task<ProgressView> Progress(Guid courseId, HttpContext http, CourseAccess access, IGrainFactory grains)
    {
        var context = await access.ViewAsync(http.User, courseId);
        if (!context.CanLearn) throw ProblemException.Forbidden("Progress is kept for the course's students.");
        return ToView(await grains.GetGrain<ILearnerCourseGrain>(LearnerCourseKey.For(courseId, context.UserId)).GetProgress());
    }

    private static async Task<CourseView> ViewAsync(
        CourseContext context, CourseRepository repo, IGrainFactory grains, IReadOnlyDictionary<Guid, DateTimeOffset>? locked = null)
    {
        locked ??= new Dictionary<Guid, DateTimeOffset>();
        var (modules, items) = await repo.OutlineAsync(context.Course.Id);
        LearnerProgress? progress = context.CanLearn
            ? await grains.GetGrain<ILearnerCourseGrain>(LearnerCourseKey.For(context.Course.Id, context.UserId)).GetProgress()
            : null;
        var seen = progress?.SeenItemIds.ToHashSet() ?? [];
        var c = context.Course;
        var myRole = context.StaffRole ?? (context.InstitutionAdmin ? Roles.Admin : Roles.Student);
        return new CourseView(c.Id, c.InstitutionId, c.InstitutionName, c.Title, c.Summary, c.Kind, c.Status, myRole, c.UpdatedAt,
            modules.Select(m => new ModuleView(m.Id, m.Title, m.Position,
                items.Where(i => i.ModuleId == m.Id).Select(i => locked.TryGetValue(i.Id, out var opens)
                    ? ToView(i, false) with { Body = null, Url = null, AvailableFrom = opens }
                    : ToView(i, seen.Contains(i.Id))).ToList())).ToList(),
            progress is null ? null : ToView(progress));
    }

    private static ItemView ToView(ItemRow i, bool seen) => new(i.Id, i.Kind, i.Title, i.Body, i.Url, i.Position, seen, i.RefId, DueAt: i.DueAt);

    private static ProgressView ToView(LearnerProgress p) => new(p.SeenItemIds.Count, p.TotalItems, p.Percent, p.LastSeenAt);

    private static string CheckKind(string kind)
    {
        var k = kind.Trim().ToLowerInvariant();
        return CourseKinds.All.Contains(k) ? k
            : throw ProblemException.Invalid("kind", $"A course is one of: {string.Join(", ", CourseKinds.All)}.");
    }

    private static (string? Body, string? Url) CheckItem(string kind, string? body, string? url)
    {
        if (kind == ItemKinds.Link)
        {
            if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                throw ProblemException.Invalid("url", "A link needs a full http or https address.");
            return (Clean(body), uri.ToString());
        }
        if (kind == ItemKinds.Page && string.IsNullOrWhiteSpace(body)) throw ProblemException.Invalid("body", "A page needs some text.");
        // Other kinds keep their details in their feature; the item carries an optional note.
        return (Clean(body), null);
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

using Lms.Grains.Courses;
using Lms.Server.Courses;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Moocs;

/// <param name="DueAt">Null clears the due date.</param>
public sealed record ItemDueRequest(DateTimeOffset? DueAt);

/// <summary>An item's own due date, set by the course's staff in the course editor; after it the item's work is refused (unless extended).</summary>
public static class ItemDueEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPut("/courses/{courseId:guid}/items/{itemId:guid}/due", SetDue).WithTags("Courses")
            .WithSummary("Set or clear an item's due date (its teachers).").ProducesProblems(400, 403, 404);

    private static async Task<Ok<ItemView>> SetDue(Guid courseId, Guid itemId, ItemDueRequest request, HttpContext http, CourseAccess access,
        CourseRepository courses)
    {
        await access.TeachAsync(http.User, courseId);
        if (!await courses.SetItemDueAsync(courseId, itemId, request.DueAt)) throw ProblemException.NotFound("The item");
        var (_, items) = await courses.OutlineAsync(courseId);
        var i = items.Single(x => x.Id == itemId);
        return TypedResults.Ok(new ItemView(i.Id, i.Kind, i.Title, i.Body, i.Url, i.Position, false, i.RefId, DueAt: i.DueAt));
    }
}

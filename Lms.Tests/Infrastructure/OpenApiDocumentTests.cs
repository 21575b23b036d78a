using System.Text.Json;

namespace Lms.Tests.Infrastructure;

/// <summary>
/// The web app's REST types are generated from <c>/openapi/v1.json</c> at build time (Lms.Web/scripts/gen-api.mjs), so the
/// document must tell the truth: one schema per type even where two features use the same type name, and numbers
/// as numbers.
/// </summary>
public sealed class OpenApiDocumentTests(SqliteLmsServer server) : IClassFixture<SqliteLmsServer>
{
    [Fact]
    public async Task Two_features_types_of_the_same_name_get_a_schema_each_and_every_path_points_at_its_own()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");

        // Identity's SessionView (a signed-in device) and Classroom's (a live lesson) were one schema before.
        Assert.True(schemas.TryGetProperty("IdentitySessionView", out var device));
        Assert.True(schemas.TryGetProperty("ClassroomSessionView", out var lesson));
        Assert.False(schemas.TryGetProperty("SessionView", out _));
        Assert.True(device.GetProperty("properties").TryGetProperty("lastSeenAt", out _));
        Assert.True(lesson.GetProperty("properties").TryGetProperty("courseTitle", out _));
        Assert.EndsWith("/ClassroomSessionView", OkSchema(document, "/api/classroom/sessions/{sessionId}", "get"));
        Assert.EndsWith("/ClassroomRunView", OkSchema(document, "/api/classroom/sessions/{sessionId}/runs", "get"));

        // Every reference resolves.
        var names = schemas.EnumerateObject().Select(s => s.Name).ToHashSet();
        var dangling = References(document.GetRawText()).Where(name => !names.Contains(name)).ToList();
        Assert.Empty(dangling);
    }

    [Fact]
    public async Task Numbers_are_described_as_numbers_not_as_numbers_or_strings()
    {
        var document = await DocumentAsync();
        var mixed = new List<string>();
        foreach (var schema in document.GetProperty("components").GetProperty("schemas").EnumerateObject())
        {
            if (!schema.Value.TryGetProperty("properties", out var properties)) continue;
            foreach (var property in properties.EnumerateObject())
                if (property.Value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array)
                {
                    var types = type.EnumerateArray().Select(t => t.GetString()).ToList();
                    if (types.Contains("string") && (types.Contains("integer") || types.Contains("number")))
                        mixed.Add($"{schema.Name}.{property.Name}");
                }
        }
        Assert.Empty(mixed);
        var page = document.GetProperty("components").GetProperty("schemas").GetProperty("ClassroomRunView");
        Assert.Equal("integer", page.GetProperty("properties").GetProperty("attendees").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Every_operation_says_its_failures_are_problem_documents()
    {
        var document = await DocumentAsync();
        var without = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name != "parameters"))
            {
                var ok = operation.Value.GetProperty("responses").TryGetProperty("default", out var failure)
                         && failure.GetProperty("content").TryGetProperty("application/problem+json", out var problem)
                         && problem.GetProperty("schema").GetProperty("$ref").GetString() == "#/components/schemas/ProblemDetails";
                if (!ok) without.Add($"{operation.Name.ToUpperInvariant()} {path.Name}");
            }
        Assert.Empty(without);
        Assert.True(document.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails")
            .GetProperty("properties").TryGetProperty("type", out _));
    }

    private async Task<JsonElement> DocumentAsync() =>
        await ProblemAssert.OkAsync<JsonElement>(await server.Client().GetAsync("/openapi/v1.json"));

    private static string OkSchema(JsonElement document, string path, string method)
    {
        var schema = document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses")
            .GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        return schema.TryGetProperty("items", out var items) ? items.GetProperty("$ref").GetString()! : schema.GetProperty("$ref").GetString()!;
    }

    private static IEnumerable<string> References(string json) =>
        System.Text.RegularExpressions.Regex.Matches(json, "\"#/components/schemas/([^\"]+)\"").Select(m => m.Groups[1].Value).Distinct();
}

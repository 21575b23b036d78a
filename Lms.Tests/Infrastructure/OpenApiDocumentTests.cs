using System.Text.Json;

namespace Lms.Tests.Infrastructure;

/// <summary>
/// The web app's REST types are generated from <c>/openapi/v1.json</c> at build time (Lms.Web/scripts/gen-api.mjs), so the
/// document must tell the truth: one schema per type even where two features use the same type name, numbers
/// as numbers, every field the server always writes as required, and the problems each endpoint can answer.
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

    [Fact]
    public async Task Every_field_of_a_record_only_answered_is_required_and_a_record_clients_send_keeps_its_optional_fields()
    {
        var schemas = (await DocumentAsync()).GetProperty("components").GetProperty("schemas");
        // A person in a list is a row read by Dapper (init properties): .NET alone called every field optional, though all are sent.
        var person = schemas.GetProperty("PersonListItem");
        var required = person.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).ToHashSet();
        Assert.Equal(person.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet(), required);
        Assert.Contains("email", required);
        // A change to a person is sent by clients, who leave out what they do not change.
        Assert.False(schemas.GetProperty("ChangePersonRequest").TryGetProperty("required", out _));
        // A question's content goes both ways: clients leave optional parts out, so it keeps what .NET says.
        Assert.False(schemas.GetProperty("QuestionContent").TryGetProperty("required", out _));
    }

    [Fact]
    public async Task Every_operation_on_a_record_declares_not_found_and_every_operation_taking_json_declares_bad_request()
    {
        var document = await DocumentAsync();
        var withoutNotFound = new List<string>();
        var withoutBadRequest = new List<string>();
        var checkedIds = 0;
        var checkedBodies = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name != "parameters"))
            {
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                var responses = operation.Value.GetProperty("responses");
                // Every route id is looked up by the feature's access check first, which answers 404 for one that is not there.
                if (NamesARecord(path.Value, operation.Value))
                {
                    checkedIds++;
                    if (!Declares(responses, "404", allowEmpty: operation.Name == "head")) withoutNotFound.Add(name);
                }
                // A JSON body that does not parse or bind is refused with a problem before the handler runs.
                if (operation.Value.TryGetProperty("requestBody", out var body) && body.GetProperty("content").TryGetProperty("application/json", out _))
                {
                    checkedBodies++;
                    if (!Declares(responses, "400")) withoutBadRequest.Add(name);
                }
            }
        Assert.Empty(withoutNotFound);
        Assert.Empty(withoutBadRequest);
        Assert.True(checkedIds > 100, $"only {checkedIds} operations with a route id");
        Assert.True(checkedBodies > 50, $"only {checkedBodies} operations with a JSON body");

        // A handler's own refusals are declared too: saving answers to a closed attempt is a 409 with the refused answers.
        Assert.True(Declares(Operation(document, "/api/attempts/{attemptId}/answers", "post"), "409"));
        // A wrong password is a 401, and a sign-in too many is a 429 (the sign-in rate limit).
        var signIn = Operation(document, "/api/identity/sign-in", "post");
        Assert.True(Declares(signIn, "401") && Declares(signIn, "429"));
        // And nothing declares what it cannot answer: "who am I" names no record and takes no body.
        var me = Operation(document, "/api/identity/me", "get");
        Assert.False(me.TryGetProperty("404", out _));
        Assert.False(me.TryGetProperty("400", out _));
    }

    private static bool NamesARecord(JsonElement pathItem, JsonElement operation) =>
        new[] { pathItem, operation }
            .Where(e => e.TryGetProperty("parameters", out _))
            .SelectMany(e => e.GetProperty("parameters").EnumerateArray())
            .Any(p => p.GetProperty("in").GetString() == "path"
                      && p.GetProperty("schema").TryGetProperty("format", out var format) && format.GetString() == "uuid");

    /// <summary>Whether the responses declare <paramref name="status"/> as a problem document (or, for HEAD, with no body at all).</summary>
    private static bool Declares(JsonElement responses, string status, bool allowEmpty = false)
    {
        if (!responses.TryGetProperty(status, out var response)) return false;
        if (!response.TryGetProperty("content", out var content)) return allowEmpty;
        return content.TryGetProperty("application/problem+json", out var problem)
               && problem.GetProperty("schema").GetProperty("$ref").GetString() == "#/components/schemas/ProblemDetails";
    }

    private static JsonElement Operation(JsonElement document, string path, string method) =>
        document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");

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

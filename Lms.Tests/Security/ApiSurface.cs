using System.Text.Json;
using System.Text.Json.Nodes;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Security;

/// <summary>One operation of the OpenAPI document: its method, path template, parameters and request body.</summary>
public sealed record ApiOperation(string Method, string Path, IReadOnlyList<ApiParameter> Parameters, ApiBody? Body)
{
    /// <summary>"GET /api/courses/{courseId}": the key of the operation's row in the tests' tables.</summary>
    public string Key => $"{Method} {Path}";

    public IEnumerable<string> PathParameters => Parameters.Where(p => p.In == "path").Select(p => p.Name);

    public IEnumerable<ApiParameter> Query => Parameters.Where(p => p.In == "query");

    /// <summary>Whether the request may change something (everything but GET, HEAD and OPTIONS).</summary>
    public bool Changes => Method is not ("GET" or "HEAD" or "OPTIONS");
}

public sealed record ApiParameter(string Name, string In, JsonElement Schema);

/// <summary>A request body: its media type (JSON or a form) and its schema, if the document gives one.</summary>
public sealed record ApiBody(string MediaType, JsonElement? Schema);

/// <summary>
/// The HTTP API as the running server describes it at <c>/openapi/v1.json</c>: the operations, and request values
/// built from their schemas (a minimal valid body; the fuzz test bends these).
/// </summary>
public sealed class ApiSurface
{
    private readonly JsonElement _schemas;

    private ApiSurface(JsonElement document, IReadOnlyList<ApiOperation> operations)
    {
        _schemas = document.GetProperty("components").GetProperty("schemas");
        Operations = operations;
    }

    public IReadOnlyList<ApiOperation> Operations { get; }

    public static async Task<ApiSurface> ReadAsync(LmsServer server)
    {
        var document = await ProblemAssert.OkAsync<JsonElement>(await server.Client().GetAsync("/openapi/v1.json"));
        var operations = new List<ApiOperation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            var shared = path.Value.TryGetProperty("parameters", out var common) ? Parameters(common) : [];
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name != "parameters"))
            {
                var own = operation.Value.TryGetProperty("parameters", out var list) ? Parameters(list) : [];
                ApiBody? body = null;
                if (operation.Value.TryGetProperty("requestBody", out var requestBody) && requestBody.TryGetProperty("content", out var content))
                {
                    var media = content.EnumerateObject().First();
                    body = new ApiBody(media.Name, media.Value.TryGetProperty("schema", out var schema) ? schema : null);
                }
                operations.Add(new ApiOperation(operation.Name.ToUpperInvariant(), path.Name, [.. shared, .. own], body));
            }
        }
        return new ApiSurface(document, operations);
    }

    private static List<ApiParameter> Parameters(JsonElement list) =>
        list.EnumerateArray().Select(p => new ApiParameter(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!,
            p.TryGetProperty("schema", out var s) ? s : default)).ToList();

    /// <summary>The schema a <c>$ref</c> points at (or the schema itself).</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        for (var depth = 0; depth < 8 && schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference); depth++)
            schema = _schemas.GetProperty(reference.GetString()!.Split('/')[^1]);
        return schema;
    }

    /// <summary>
    /// The smallest body the schema calls valid: every required property, ids taken from <paramref name="ids"/> by the
    /// property's name (<c>courseId</c>, <c>userIds</c>, …), short texts, the lowest allowed numbers, false, empty lists.
    /// </summary>
    public JsonNode? Minimal(JsonElement schema, IReadOnlyDictionary<string, string> ids, string name = "", int depth = 0)
    {
        schema = Resolve(schema);
        if (schema.ValueKind != JsonValueKind.Object || depth > 6) return null;
        var types = SchemaTypes(schema);
        if (schema.TryGetProperty("enum", out var values) && values.GetArrayLength() > 0)
            return JsonNode.Parse(values[0].GetRawText());
        if (types.Contains("object") || schema.TryGetProperty("properties", out _))
        {
            var result = new JsonObject();
            if (!schema.TryGetProperty("properties", out var properties)) return result;
            var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()).ToHashSet() : [];
            foreach (var property in properties.EnumerateObject().Where(p => required.Contains(p.Name)))
                result[property.Name] = Minimal(property.Value, ids, property.Name, depth + 1);
            return result;
        }
        if (types.Contains("array"))
        {
            var single = name.EndsWith("Ids", StringComparison.Ordinal) ? name[..^1] : null;
            if (single is not null && ids.TryGetValue(single, out var id)) return new JsonArray(id);
            var count = schema.TryGetProperty("minItems", out var minItems) ? minItems.GetInt32() : 0;
            var array = new JsonArray();
            for (var i = 0; i < count && schema.TryGetProperty("items", out var items); i++) array.Add(Minimal(items, ids, name, depth + 1));
            return array;
        }
        if (types.Contains("boolean")) return false;
        if (types.Contains("integer") || types.Contains("number"))
            return schema.TryGetProperty("minimum", out var minimum) ? Math.Max(minimum.GetDouble(), Math.Min(1, Maximum(schema))) : 1;
        if (types.Contains("string"))
        {
            var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
            if (format == "uuid") return ids.TryGetValue(name, out var id) ? id : Guid.Empty.ToString();
            if (format == "date-time") return DateTimeOffset.UtcNow.AddDays(1).ToString("O");
            if (format == "date") return DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd");
            var min = schema.TryGetProperty("minLength", out var minLength) ? minLength.GetInt32() : 0;
            var text = "Ma trận quyền";
            return text.PadRight(Math.Max(min, text.Length), 'x')[..Math.Min(Math.Max(min, text.Length), MaxLength(schema))];
        }
        return null;
    }

    public static HashSet<string> SchemaTypes(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type)) return [];
        return type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToHashSet() : [type.GetString()!];
    }

    public static int MaxLength(JsonElement schema) => schema.TryGetProperty("maxLength", out var max) ? max.GetInt32() : int.MaxValue;

    private static double Maximum(JsonElement schema) => schema.TryGetProperty("maximum", out var max) ? max.GetDouble() : double.MaxValue;

    /// <summary>The path with each <c>{name}</c> (or <c>{name:constraint}</c>) replaced by its value.</summary>
    public static string Fill(string path, Func<string, string> value) =>
        System.Text.RegularExpressions.Regex.Replace(path, @"\{([^}:]+)(:[^}]*)?\}", m => Uri.EscapeDataString(value(m.Groups[1].Value)));
}

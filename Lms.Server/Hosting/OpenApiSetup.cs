using Lms.Grains.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Lms.Server.Hosting;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c>, from which the web app's REST types are generated at build time.</summary>
public static class OpenApiSetup
{
    private static readonly HashSet<Type> Numbers =
        [typeof(byte), typeof(short), typeof(int), typeof(long), typeof(float), typeof(double), typeof(decimal)];

    // Simple names that more than one public type carries (Identity's SessionView and Classroom's, Moocs' RunView and
    // Classroom's): the document names those after their feature too, or one would silently stand for the other.
    private static readonly Lazy<HashSet<string>> SharedNames = new(() =>
        new[] { typeof(OpenApiSetup).Assembly, typeof(Db).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet());

    public static IServiceCollection AddLmsOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.CreateSchemaReferenceId = info =>
            OpenApiOptions.CreateDefaultSchemaReferenceId(info) is { } id ? Feature(info.Type) + id : null;
        options.AddSchemaTransformer((schema, context, _) =>
        {
            // The web defaults also read numbers sent as strings, so .NET describes every number as "integer or
            // string" with a digits pattern. The server always writes numbers, and clients should send them: say so,
            // or every count becomes `number | string` in the generated types.
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (Numbers.Contains(type) && schema.Type is { } given && given.HasFlag(JsonSchemaType.String))
            {
                schema.Type = given & ~JsonSchemaType.String;
                schema.Pattern = null;
            }
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            MarkWrittenPropertiesRequired(document);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            // Every failure of every endpoint is a problem document (ProblemSetup makes it so, even for a 404 of
            // routing or a 500), so the document says so once per operation instead of leaving errors untyped.
            if (context.Document is not { } document) return;
            if (document.Components?.Schemas?.ContainsKey(ProblemSchema) != true)
                document.AddComponent(ProblemSchema, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken));
            operation.Responses ??= [];
            operation.Responses["default"] = new OpenApiResponse
            {
                Description = "A failure: a problem (RFC 7807) whose type is a stable code (urn:lms:problem:…) the client words.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
                },
            };
        });
    });

    private const string ProblemSchema = "ProblemDetails";

    /// <summary>
    /// The server writes every property of what it sends (no property is left out when null), but .NET calls a property
    /// required only when a constructor takes it, so a row read by Dapper (init properties) came out with every field
    /// optional. A schema that only answers (no request body reaches it) gets every property required; one that a client
    /// also sends keeps what .NET says, since a client may leave those fields out.
    /// </summary>
    private static void MarkWrittenPropertiesRequired(OpenApiDocument document)
    {
        if (document.Components?.Schemas is not { } schemas) return;
        var sent = new HashSet<string>();
        var bodies = (document.Paths ?? [])
            .SelectMany(path => path.Value.Operations ?? [])
            .SelectMany(operation => operation.Value.RequestBody?.Content?.Values ?? [])
            .Select(media => media.Schema);
        foreach (var body in bodies) Reach(body, schemas, sent);
        foreach (var (name, schema) in schemas)
            if (!sent.Contains(name) && name != ProblemSchema && schema is OpenApiSchema { Properties.Count: > 0 } answer)
                answer.Required = new HashSet<string>(answer.Properties.Keys);
    }

    /// <summary>Adds the names of every component schema reachable from <paramref name="schema"/>.</summary>
    private static void Reach(IOpenApiSchema? schema, IDictionary<string, IOpenApiSchema> schemas, HashSet<string> seen)
    {
        if (schema is null) return;
        if (schema is OpenApiSchemaReference { Reference.Id: { } id })
        {
            if (seen.Add(id) && schemas.TryGetValue(id, out var target)) Reach(target, schemas, seen);
            return;
        }
        foreach (var property in schema.Properties?.Values ?? []) Reach(property, schemas, seen);
        foreach (var part in (schema.OneOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.AllOf ?? [])) Reach(part, schemas, seen);
        Reach(schema.Items, schemas, seen);
        Reach(schema.AdditionalProperties, schemas, seen);
    }

    /// <summary>The feature folder of a type whose name is shared (of its first such type argument), else nothing.</summary>
    private static string Feature(Type type)
    {
        if (SharedNames.Value.Contains(type.Name))
            return type.Namespace?.Split('.') is ["Lms", _, var feature, ..] ? feature : "";
        return type.IsGenericType ? type.GetGenericArguments().Select(Feature).FirstOrDefault(f => f != "") ?? "" : "";
    }
}

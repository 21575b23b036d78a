using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Lms.Server.Problems;

/// <summary>How endpoints declare the problem responses they answer, for the OpenAPI document (and the web app's types).</summary>
public static class ProblemDeclarations
{
    /// <summary>
    /// For a whole group in one line, declares on each of its endpoints: 404 when its route names a record (every such
    /// endpoint looks it up through its feature's access check first, which answers 404 for one that is not there or not
    /// visible), and 400 when it takes a JSON body (one that does not parse or bind is refused with a problem before the
    /// handler runs).
    /// For files other features also edit, where one added line is easier to merge than a change to every mapping;
    /// elsewhere each endpoint says it with <see cref="ProducesProblems{TBuilder}"/> itself.
    /// </summary>
    public static TBuilder ProducesProblemsOfIdsAndBodies<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        // Finally: the framework adds what it infers from the handler (its JSON body) after the group's other conventions.
        builder.Finally(endpoint =>
        {
            if (endpoint is RouteEndpointBuilder { RoutePattern.Parameters.Count: > 0 })
                endpoint.Metadata.Add(Problem(StatusCodes.Status404NotFound));
            if (endpoint.Metadata.OfType<IAcceptsMetadata>().Any(a => a.ContentTypes.Contains("application/json")))
                endpoint.Metadata.Add(Problem(StatusCodes.Status400BadRequest));
        });
        return builder;
    }

    /// <summary>Declares that the endpoint may answer each of <paramref name="statuses"/> with a problem document.</summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses) builder.ProducesProblem(status);
        return builder;
    }

    private static ProducesResponseTypeMetadata Problem(int status) =>
        new(status, typeof(ProblemDetails), ["application/problem+json"]);
}

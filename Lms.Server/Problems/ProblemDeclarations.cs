using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Lms.Server.Problems;

/// <summary>The problem responses of a group's endpoints, declared in one line for the whole group.</summary>
public static class ProblemDeclarations
{
    /// <summary>
    /// Declares, on each endpoint of the group: 404 when its route names a record (every such endpoint looks it up
    /// through its feature's access check first, which answers 404 for one that is not there or not visible), and 400
    /// when it takes a JSON body (a body that does not parse or bind is refused with a problem before the handler runs).
    /// For files other features also edit, where one added line is easier to merge than a change to every mapping;
    /// elsewhere each endpoint says it with <c>.ProducesProblem(…)</c> itself.
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

    private static ProducesResponseTypeMetadata Problem(int status) =>
        new(status, typeof(ProblemDetails), ["application/problem+json"]);
}

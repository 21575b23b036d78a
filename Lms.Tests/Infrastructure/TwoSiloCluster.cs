using Lms.Grains.Data;

namespace Lms.Tests.Infrastructure;

/// <summary>
/// Cluster mode for real: two servers (two silos, two web hosts) on one PostgreSQL database and one
/// throwaway redis-server, started at the same moment as a real deployment would start them.
/// </summary>
public class TwoSiloCluster(PostgresServer postgres) : IAsyncLifetime
{
    private readonly RedisServer _redis = new();

    public LmsServer A { get; private set; } = null!;
    public LmsServer B { get; private set; } = null!;

    /// <summary>More configuration for node 0 (A) or 1 (B), e.g. the cluster's certificate.</summary>
    protected virtual IEnumerable<string> NodeArguments(int node) => [];

    private sealed class Node(string connectionString, string redis, IEnumerable<string> more) : LmsServer
    {
        public override DatabaseProvider Provider => DatabaseProvider.Postgres;
        protected override Task<string> ConnectionStringAsync(string dataDirectory) => Task.FromResult(connectionString);
        // A room's sender retires after a second of quiet, so every cluster test also crosses retirements.
        protected override IEnumerable<string> ExtraArguments =>
            [$"--Cluster:Redis={redis}", "--Orleans:ClusterId=lms-test", "--Classroom:SenderIdle=00:00:01", .. more];
    }

    public virtual async ValueTask InitializeAsync()
    {
        await _redis.InitializeAsync();
        var database = await postgres.CreateDatabaseAsync("cluster");
        A = new Node(database, _redis.Configuration, NodeArguments(0));
        B = new Node(database, _redis.Configuration, NodeArguments(1));
        await Task.WhenAll(A.InitializeAsync().AsTask(), B.InitializeAsync().AsTask());
    }

    public virtual async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        await _redis.DisposeAsync();
    }
}

using System.Data.Common;
using System.Threading.Channels;
using Lms.Grains.Data;
using Microsoft.Extensions.Logging;

namespace Lms.Grains.Assessment;

/// <summary>
/// Group commit: writes from many attempts that arrive together are run in one transaction, and each
/// caller's task completes only after that transaction has committed. An acknowledged answer is
/// therefore on disk, while thousands of students answering at once cost one commit per batch instead
/// of one each (SQLite has one writer; PostgreSQL gets a few writers in parallel). Writes given as
/// <see cref="WriteStatement"/>s are also sent together: one round trip for a whole batch where the
/// provider pipelines (PostgreSQL), instead of one per statement. The writers have their own connection
/// pool, so that they never queue behind a crowd of readers. If a batch fails, its writes are retried one
/// by one so that one bad write fails alone.
/// </summary>
public sealed class GroupCommitWriter : IAsyncDisposable
{
    public const int MaxBatch = 500;

    private sealed record Work(Func<DbConnection, DbTransaction, Task>? Run, IReadOnlyList<WriteStatement>? Statements, TaskCompletionSource Done);

    private readonly Db _db;
    private readonly ILogger<GroupCommitWriter>? _log;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _writers;

    public GroupCommitWriter(Db db, ILogger<GroupCommitWriter>? log = null)
    {
        _db = db.WithOwnPool("lms-group-commit");
        _log = log;
        var writers = db.Dialect.Provider == DatabaseProvider.Sqlite ? 1 : 4;
        _writers = Enumerable.Range(0, writers).Select(_ => Task.Run(LoopAsync)).ToArray();
    }

    /// <summary>Runs <paramref name="write"/> in a shared transaction; completes once it is committed.</summary>
    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> write) => Enqueue(write, null);

    /// <summary>Runs <paramref name="statements"/> in a shared transaction, pipelined with the batch's others; completes once committed.</summary>
    public Task WriteAsync(IReadOnlyList<WriteStatement> statements) =>
        statements.Count == 0 ? Task.CompletedTask : Enqueue(null, statements);

    private Task Enqueue(Func<DbConnection, DbTransaction, Task>? run, IReadOnlyList<WriteStatement>? statements)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Work(run, statements, done)))
            done.SetException(new ObjectDisposedException(nameof(GroupCommitWriter)));
        return done.Task;
    }

    /// <summary>The batch's writes in order; consecutive statements go together in one round trip.</summary>
    private async Task RunAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Work> works)
    {
        var pending = new List<WriteStatement>();
        foreach (var work in works)
        {
            if (work.Statements is { } statements)
            {
                pending.AddRange(statements);
                continue;
            }
            await WriteStatement.RunAsync(_db, connection, transaction, pending);
            pending.Clear();
            await work.Run!(connection, transaction);
        }
        await WriteStatement.RunAsync(_db, connection, transaction, pending);
    }

    private async Task LoopAsync()
    {
        var batch = new List<Work>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var work)) batch.Add(work);
            if (batch.Count == 0) continue;
            try
            {
                await using var connection = await _db.OpenAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await RunAsync(connection, transaction, batch);
                await transaction.CommitAsync();
                foreach (var work in batch) work.Done.TrySetResult();
            }
            catch (Exception batchError)
            {
                if (batch.Count == 1)
                {
                    batch[0].Done.TrySetException(batchError);
                    continue;
                }
                _log?.LogWarning(batchError, "A batch of {Count} writes failed; retrying them one by one", batch.Count);
                foreach (var work in batch)
                {
                    try
                    {
                        await _db.InTransactionAsync(async (c, t) => { await RunAsync(c, t, [work]); return 0; });
                        work.Done.TrySetResult();
                    }
                    catch (Exception e)
                    {
                        work.Done.TrySetException(e);
                    }
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }
}

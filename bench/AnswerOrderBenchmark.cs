using System.Text.Json;
using Lms.Grains.Assessment;
using Lms.Grains.Data;

namespace Lms.Bench;

/// <summary>
/// <c>./build.sh bench answer-order --db sqlite|postgres --connection "…"</c>: on a COPY of a database (it is
/// migrated first), how many submitted attempts the corrected answer order (issue 16) changes: the answer
/// shown, and the grade. Read-only apart from the migration.
/// </summary>
public sealed class AnswerOrderBenchmark : IBenchmark
{
    public string Name => "answer-order";
    public string Description => "count the submitted attempts whose answer or grade the corrected answer order changes (run on a copy)";

    public async Task<int> RunAsync(string[] args)
    {
        string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        if (Option("--connection") is not { } connection)
        {
            Console.Error.WriteLine("Usage: ./build.sh bench answer-order --db sqlite|postgres --connection \"Data Source=copy.db\"");
            return 2;
        }
        var provider = Option("--db")?.ToLowerInvariant() == "postgres" ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        var db = new Db(new DatabaseOptions { Provider = provider, ConnectionString = connection });
        SchemaMigrator.MigrateUp(db);
        await using var writer = new GroupCommitWriter(db);
        var summary = await new AnswerOrderAudit(new AttemptRepository(db, writer), new QuestionRepository(db, TimeProvider.System)).WholeDatabaseAsync();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["benchmark"] = Name, ["submitted_attempts"] = summary.Attempts, ["answer_changed"] = summary.AnswerChanged,
            ["score_changed"] = summary.ScoreChanged, ["answers"] = summary.Answers, ["answers_without_sequence"] = summary.AnswersWithoutSequence,
        }));
        return 0;
    }
}

using System.Text;
using System.Text.Json;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Security;

/// <summary>
/// Every operation of the OpenAPI document × every kind of caller × objects of the caller's school (A) and of another
/// school (B): the answer's class must be the cell of <see cref="AuthorizationMatrix.Expected"/>. An operation without a
/// row fails (a new endpoint must say who may call it), and so does a row without an operation.
/// </summary>
public sealed class AuthorizationMatrixTests(SqliteLmsServer server) : IClassFixture<SqliteLmsServer>
{
    /// <summary>The order callers are tried in on each operation: the least entitled first, so a refusal changes nothing later ones see.</summary>
    private static readonly Caller[] Order = [Caller.Anonymous, Caller.Parent, Caller.OtherAdmin, Caller.Student, Caller.Teacher, Caller.Admin];

    [Fact]
    public async Task Every_operation_answers_each_caller_on_each_schools_objects_as_the_table_says()
    {
        var api = await ApiSurface.ReadAsync(server);
        var world = await MatrixWorld.CreateAsync(server);
        var observed = new Dictionary<string, char[]>();
        var failures = new List<string>();
        var sent = 0;

        foreach (var operation in ApiRequests.InSafeOrder(api.Operations))
        {
            var cells = new char[12];
            foreach (var (set, offset) in new[] { (world.Own, 0), (world.Other, 6) })
            {
                var url = ApiSurface.Fill(operation.Path, name => set.Value(operation.Path, name));
                var body = AuthorizationMatrix.Bodies.TryGetValue(operation.Key, out var valid)
                    ? JsonSerializer.SerializeToNode(valid(set), JsonSerializerOptions.Web)
                    : operation.Body?.Schema is { } schema ? api.Minimal(schema, set.Ids) : null;
                foreach (var caller in Order)
                {
                    using var request = ApiRequests.Build(operation, url, body?.DeepClone());
                    using var response = await world.Client(caller).SendAsync(request, TestContext.Current.CancellationToken);
                    sent++;
                    var cell = ApiRequests.Class(response.StatusCode);
                    cells[offset + (int)caller] = cell;
                    var expected = AuthorizationMatrix.Expected.TryGetValue(operation.Key, out var row) ? Cell(row, offset + (int)caller) : '?';
                    if (expected != '?' && expected != cell)
                    {
                        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                        failures.Add($"{operation.Key} on {set.Name}'s objects as {caller}: expected {expected}, got {(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}");
                    }
                }
                if (ApiRequests.MaySignOut(operation)) await world.SignInAllAsync();
            }
            observed[operation.Key] = cells;
        }

        var missing = observed.Keys.Where(k => !AuthorizationMatrix.Expected.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var stale = AuthorizationMatrix.Expected.Keys.Where(k => !observed.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"Authorization matrix: {observed.Count} operations × {Order.Length} callers × 2 schools = {sent} requests");
        if (missing.Count + stale.Count + failures.Count > 0) output?.WriteLine("Observed (paste the rows you checked):" + Environment.NewLine + Rows(observed));
        if (Environment.GetEnvironmentVariable("LMS_MATRIX_OUT") is { Length: > 0 } file) await File.WriteAllTextAsync(file, Rows(observed));

        Assert.True(missing.Count == 0, "New endpoint without a row: add it to AuthorizationMatrix.Expected: " + Environment.NewLine +
            string.Join(Environment.NewLine, missing.Select(k => Row(k, observed[k]))));
        Assert.True(stale.Count == 0, "A row without an operation (the endpoint was removed or renamed): " + string.Join(", ", stale));
        Assert.True(failures.Count == 0, $"{failures.Count} cells differ:" + Environment.NewLine + string.Join(Environment.NewLine, failures));
    }

    private static char Cell(string row, int index) => row.Replace(" ", "")[index];

    private static string Row(string key, char[] cells) => $"        [\"{key}\"] = \"{new string(cells, 0, 6)} {new string(cells, 6, 6)}\",";

    private static string Rows(Dictionary<string, char[]> observed)
    {
        var text = new StringBuilder();
        foreach (var (key, cells) in observed.OrderBy(o => o.Key, StringComparer.Ordinal)) text.AppendLine(Row(key, cells));
        return text.ToString();
    }
}

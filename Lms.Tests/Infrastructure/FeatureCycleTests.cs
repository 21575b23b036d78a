using System.Text.RegularExpressions;

namespace Lms.Tests.Infrastructure;

/// <summary>
/// Feature folders depend one way: a feature that uses another is not used by it. Read from the sources' own
/// <c>using Lms.Grains.X;</c> / <c>using Lms.Server.X;</c> lines (a folder is its namespace; unused usings are removed).
/// </summary>
public sealed partial class FeatureCycleTests
{
    [Fact]
    public void The_domain_features_in_Lms_Grains_have_no_cycle()
    {
        var cycles = Cycles(Graph("Lms.Grains"));
        Assert.True(cycles.Count == 0, "Feature cycles in Lms.Grains: " + string.Join("; ", cycles));
    }

    /// <summary>
    /// The same for the web host. Who may do what in an institution (<c>InstitutionAccess</c>) lives in Identity and coded
    /// problems in Problems, so the features that check an institution's roles need not reach into Institutions.
    /// </summary>
    [Fact]
    public void The_web_hosts_feature_folders_have_no_cycle()
    {
        var cycles = Cycles(Graph("Lms.Server"));
        Assert.True(cycles.Count == 0, "Feature cycles in Lms.Server: " + string.Join("; ", cycles));
    }

    /// <summary>Each feature folder of a project and the features of the same project its files name in a using line.</summary>
    private static Dictionary<string, HashSet<string>> Graph(string project)
    {
        var root = Path.Combine(BrowserFixture.RepositoryRoot(), project);
        var using_ = new Regex($@"^using {Regex.Escape(project)}\.(\w+);", RegexOptions.Multiline);
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (var folder in Directory.GetDirectories(root).Where(d => Path.GetFileName(d) is not ("bin" or "obj" or "data" or "wwwroot" or "node_modules")))
        {
            var feature = Path.GetFileName(folder);
            var uses = graph[feature] = [];
            foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
                foreach (Match m in using_.Matches(File.ReadAllText(file)))
                    if (m.Groups[1].Value != feature) uses.Add(m.Groups[1].Value);
        }
        return graph;
    }

    /// <summary>The shortest cycle through each pair of features that reach each other, written from the first name in order.</summary>
    private static List<string> Cycles(Dictionary<string, HashSet<string>> graph)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var start in graph.Keys)
            foreach (var next in graph[start])
            {
                if (!graph.ContainsKey(next) || string.CompareOrdinal(next, start) < 0) continue;
                if (PathBack(graph, next, start) is { } back && back.All(f => string.CompareOrdinal(f, start) >= 0))
                    found.Add(string.Join(" → ", [start, .. back]));
            }
        return found.ToList();
    }

    /// <summary>The shortest path from <paramref name="from"/> to <paramref name="to"/> (breadth first), or null.</summary>
    private static List<string>? PathBack(Dictionary<string, HashSet<string>> graph, string from, string to)
    {
        var previous = new Dictionary<string, string> { [from] = from };
        var queue = new Queue<string>([from]);
        while (queue.Count > 0)
        {
            var at = queue.Dequeue();
            if (at == to)
            {
                var path = new List<string> { to };
                for (var step = to; step != from; step = previous[step]) path.Insert(0, previous[step]);
                return path;
            }
            foreach (var next in graph.GetValueOrDefault(at) ?? [])
                if (previous.TryAdd(next, at)) queue.Enqueue(next);
        }
        return null;
    }
}

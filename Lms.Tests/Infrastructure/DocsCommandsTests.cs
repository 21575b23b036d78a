using System.Text.RegularExpressions;

namespace Lms.Tests.Infrastructure;

/// <summary>
/// The README is a door and the docs behind it tell the truth about how to run things: every
/// <c>./build.sh</c> command they show names a verb build.sh accepts, every <c>bench</c> command a
/// benchmark that bench/ registers (with options its source reads), and every relative link leads
/// to a file. Reads files only: nothing is built, run or fetched.
/// </summary>
public sealed partial class DocsCommandsTests
{
    private static readonly string Root = BrowserFixture.RepositoryRoot();

    /// <summary>Pages other engineers are writing on their own branches, linked from the index before they land.</summary>
    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string> { "README.md" };
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            pages.Add(Path.GetRelativePath(Root, file).Replace('\\', '/'));
        return pages;
    }

    [Fact]
    public void The_readme_stays_under_200_lines_and_shows_the_two_commands()
    {
        var readme = File.ReadAllLines(Path.Combine(Root, "README.md"));
        Assert.True(readme.Length < 200, $"README.md has {readme.Length} lines; move the detail into docs/.");
        var commands = Commands("README.md").Where(c => c.InCodeBlock).Select(c => "./build.sh " + string.Join(' ', c.Words)).ToList();
        Assert.Contains("./build.sh run", commands);
        Assert.Contains("./build.sh test", commands);
    }

    [Fact]
    public void The_check_reads_the_verbs_and_benchmarks_that_really_exist()
    {
        // Without this, a parser that found nothing would let every page pass.
        Assert.Superset(new HashSet<string> { "run", "test", "bench" }, BuildVerbs());
        Assert.Superset(new HashSet<string> { "media", "quiz", "classroom", "mooc", "soak" }, Benchmarks().Keys.ToHashSet());
        Assert.DoesNotContain("deploy", BuildVerbs());
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_build_sh_command_in_a_page_names_a_verb_and_a_benchmark_that_exist(string page)
    {
        var verbs = BuildVerbs();
        var benchmarks = Benchmarks();
        var problems = new List<string>();
        foreach (var command in Commands(page))
        {
            var shown = "./build.sh " + string.Join(' ', command.Words);
            if (command.Words.Count == 0) continue;
            var verb = command.Words[0];
            if (!verbs.Contains(verb))
            {
                problems.Add($"{shown}: build.sh has no verb '{verb}' (it knows {string.Join(", ", verbs)})");
                continue;
            }
            if (verb != "bench" || command.Words.Count < 2 || command.Words[1].StartsWith('-') || command.Words[1].StartsWith('<')) continue;
            if (!benchmarks.TryGetValue(command.Words[1], out var source))
            {
                problems.Add($"{shown}: bench/ registers no benchmark '{command.Words[1]}' (it has {string.Join(", ", benchmarks.Keys)})");
                continue;
            }
            foreach (var option in command.Words.Skip(2).Where(w => w.StartsWith("--", StringComparison.Ordinal)))
            {
                var name = option.Split('=')[0];
                if (!source.Contains($"\"{name}\"", StringComparison.Ordinal))
                    problems.Add($"{shown}: the '{command.Words[1]}' benchmark does not read {name}");
            }
        }
        Assert.True(problems.Count == 0, $"{page}:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_in_a_page_points_at_a_file_that_exists(string page)
    {
        var folder = Path.GetDirectoryName(Path.Combine(Root, page))!;
        var broken = new List<string>();
        foreach (var target in RelativeLinks(page))
        {
            var path = Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(target)));
            var fromRoot = Path.GetRelativePath(Root, path).Replace('\\', '/');
            if (File.Exists(path) || Directory.Exists(path)) continue;
            broken.Add($"{target} (→ {fromRoot})");
        }
        Assert.True(broken.Count == 0, $"{page} links to files that do not exist:{Environment.NewLine}{string.Join(Environment.NewLine, broken)}");
    }

    /// <summary>The verbs of build.sh's top-level <c>case "${1:-}" in</c>, e.g. <c>run)</c> or <c>-h|--help|help|"")</c>.</summary>
    private static HashSet<string> BuildVerbs()
    {
        var script = File.ReadAllText(Path.Combine(Root, "build.sh"));
        var start = script.IndexOf("case \"${1:-}\" in", StringComparison.Ordinal);
        Assert.True(start >= 0, "build.sh no longer chooses its verb with case \"${1:-}\" in: teach this test how it does now.");
        var block = script[start..script.IndexOf("\nesac", start, StringComparison.Ordinal)];
        return CaseLabel().Matches(block)
            .SelectMany(m => m.Groups[1].Value.Split('|'))
            .Select(label => label.Trim('"'))
            .Where(label => label.Length > 0 && label != "*")
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Each benchmark in <c>Benchmarks.All</c>, by its name, with the source of the file that declares it.</summary>
    private static Dictionary<string, string> Benchmarks()
    {
        var bench = Path.Combine(Root, "bench");
        var registry = File.ReadAllText(Path.Combine(bench, "Benchmarks.cs"));
        var all = registry[registry.IndexOf("All", StringComparison.Ordinal)..];
        var sources = Directory.GetFiles(bench, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(File.ReadAllText)
            .ToList();
        var benchmarks = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match registered in Registered().Matches(all))
        {
            var type = registered.Groups[1].Value.Split('.')[^1];
            // A partial class is declared in several files: its source is all of them.
            var parts = sources.Where(s => Regex.IsMatch(s, $@"\bclass\s+{type}\b")).ToList();
            Assert.True(parts.Count > 0, $"bench/ registers {type} but no file declares it.");
            var source = string.Join("\n", parts);
            var name = BenchmarkName().Match(source!);
            Assert.True(name.Success, $"{type} has no 'Name => \"…\"'.");
            benchmarks[name.Groups[1].Value] = source!;
        }
        return benchmarks;
    }

    private sealed record Command(IReadOnlyList<string> Words, bool InCodeBlock);

    /// <summary>
    /// The <c>./build.sh</c> commands of a page: whole lines in fenced code blocks (continued with a
    /// backslash, up to a <c>#</c> comment), and inline code spans elsewhere, whose <c>[--option value]</c>
    /// brackets (a synopsis) are read as the options they name.
    /// </summary>
    private static IEnumerable<Command> Commands(string page)
    {
        var inFence = false;
        var pending = "";
        foreach (var raw in File.ReadAllLines(Path.Combine(Root, page)))
        {
            if (raw.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }
            if (inFence)
            {
                var line = pending + raw;
                if (line.EndsWith('\\'))
                {
                    pending = line[..^1] + " ";
                    continue;
                }
                pending = "";
                foreach (Match call in FencedCall().Matches(line)) yield return new Command(Words(call.Groups[1].Value), true);
                continue;
            }
            foreach (Match span in InlineCall().Matches(raw))
                yield return new Command(Words(span.Groups[1].Value.Replace("[", " ").Replace("]", " ")), false);
        }
    }

    /// <summary>Shell-like words: split on spaces, double-quoted text kept together, a comment or a following command cut off.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        foreach (Match word in ShellWord().Matches(text))
        {
            var value = word.Value;
            if (value.StartsWith('#') || value is "&&" or "||" or ";" or "|") break;
            words.Add(value.Trim('"'));
        }
        return words;
    }

    /// <summary>Markdown link targets outside code that are neither absolute URLs nor anchors on the same page.</summary>
    private static IEnumerable<string> RelativeLinks(string page)
    {
        var inFence = false;
        foreach (var raw in File.ReadAllLines(Path.Combine(Root, page)))
        {
            if (raw.TrimStart().StartsWith("```", StringComparison.Ordinal)) inFence = !inFence;
            if (inFence) continue;
            var text = InlineCode().Replace(raw, "");
            foreach (Match link in MarkdownLink().Matches(text))
            {
                var target = link.Groups[1].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
                yield return target;
            }
        }
    }

    /// <summary>A label of the top-level case, indented two spaces: words without spaces joined by |, then ")".</summary>
    [GeneratedRegex(@"^ {2}([^\s()]+)\)\s*$", RegexOptions.Multiline)]
    private static partial Regex CaseLabel();

    [GeneratedRegex(@"new\s+([\w.]+)\(\)")]
    private static partial Regex Registered();

    [GeneratedRegex(@"\bName\s*=>\s*""([^""]+)""")]
    private static partial Regex BenchmarkName();

    [GeneratedRegex(@"(?:^|[\s;&|(])\./build\.sh\b([^#\n]*)")]
    private static partial Regex FencedCall();

    [GeneratedRegex(@"`\./build\.sh\b([^`]*)`")]
    private static partial Regex InlineCall();

    [GeneratedRegex(@"""[^""]*""|\S+")]
    private static partial Regex ShellWord();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\[[^\]]*\]\(([^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex MarkdownLink();
}

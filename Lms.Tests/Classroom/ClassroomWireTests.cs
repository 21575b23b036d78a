using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Lms.Grains.Classroom;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Classroom;

/// <summary>
/// The classroom's wire is declared twice: in C# (<see cref="ClassroomEvents"/>, the records the grains serialize)
/// and in TypeScript (<c>Lms.Web/src/pages/classroom/events.ts</c>, what the web app reads). These tests read
/// both and fail when an event or a field is named differently on one side, so a rename breaks the suite
/// instead of a lesson. The TypeScript is read as text, on the rules that file states (one interface per
/// record, no inline object types).
/// </summary>
public sealed class ClassroomWireTests
{
    private static readonly string Folder = Path.Combine(BrowserFixture.RepositoryRoot(), "Lms.Web", "src", "pages", "classroom");
    private static readonly string EventsTsPath = Path.Combine(Folder, "events.ts");

    [Fact]
    public void Every_event_the_room_and_the_live_quiz_send_is_declared_in_the_web_app_with_the_same_fields()
    {
        Assert.Empty(WireCheck.Compare(TsWire.Parse(File.ReadAllText(EventsTsPath), Folder)));
    }

    [Fact]
    public void The_check_catches_a_renamed_field_a_missing_event_and_an_event_the_server_never_sends()
    {
        var ts = File.ReadAllText(EventsTsPath);
        var drifted = ts
            .Replace("presenterName: string", "presenter: string")
            .Replace("'poll.results': PollTally;", "'poll.result': PollTally;")
            .Replace("export interface Myself { userId: string;", "export interface Myself { id: string;");
        Assert.NotEqual(ts, drifted);

        var problems = WireCheck.Compare(TsWire.Parse(drifted, Folder));

        Assert.Contains(problems, p => p.Contains("SessionStarted") && p.Contains("presenterName"));
        Assert.Contains(problems, p => p.Contains("SessionStarted") && p.Contains("presenter "));
        Assert.Contains(problems, p => p.Contains("'poll.results'") && p.Contains("not declared"));
        Assert.Contains(problems, p => p.Contains("'poll.result'") && p.Contains("never sends"));
        Assert.Contains(problems, p => p.Contains("Myself") && p.Contains("userId"));
    }

    [Fact]
    public void Event_data_is_written_as_the_browser_has_always_read_it_camelCase_nulls_kept_and_Vietnamese_unescaped()
    {
        var user = Guid.Parse("0190a4d2-7c1e-7000-8000-000000000001");
        var at = new DateTimeOffset(2026, 12, 6, 8, 30, 0, TimeSpan.Zero);

        Assert.Equal(
            """{"userId":"0190a4d2-7c1e-7000-8000-000000000001","name":"Nguyễn Thị Lan","role":"student","online":true,"hand":null,"media":"full","breakout":2}""",
            JsonSerializer.Serialize(new ParticipantView(user, "Nguyễn Thị Lan", "student", true, null, "full", 2), ClassroomJson.Options));
        Assert.Equal(
            """{"id":"0190a4d2-7c1e-7000-8000-000000000001","shown":false,"counts":null,"answered":null}""",
            JsonSerializer.Serialize(new PollClosed(user, false, null, null), ClassroomJson.Options));
        // Outside the Basic Multilingual Plane (emoji) the encoder writes \u pairs, as it always has; JSON.parse reads both.
        Assert.Equal("""{"counts":{"\uD83D\uDC4D":3}}""", JsonSerializer.Serialize(new ReactionCounts(new() { ["👍"] = 3 }), ClassroomJson.Options));
        Assert.Equal(
            """{"groups":[{"n":1,"members":[{"userId":"0190a4d2-7c1e-7000-8000-000000000001","name":"Lan"}]}],"endsAt":"2026-12-06T08:30:00+00:00"}""",
            JsonSerializer.Serialize(new BreakoutsView([new BreakoutGroup(1, [new GroupMember(user, "Lan")])], at), ClassroomJson.Options));
        Assert.Equal("{}", JsonSerializer.Serialize(new NoData(), ClassroomJson.Options));
    }

    [Fact]
    public void The_grains_name_every_event_through_ClassroomEvents_not_a_string_of_their_own()
    {
        var folder = Path.Combine(BrowserFixture.RepositoryRoot(), "Lms.Grains", "Classroom");
        var literal = new Regex("""\b(Emit|EmitRaw|PublishAsync|Publish)\(\s*"[a-z]""");
        var offenders = Directory.EnumerateFiles(folder, "*.cs")
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, i)))
            .Where(x => literal.IsMatch(x.line))
            .Select(x => $"{Path.GetFileName(x.file)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void Every_event_has_one_name_and_the_names_are_those_the_web_app_has_always_used()
    {
        var names = ClassroomEvents.All.Select(e => e.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        // A handful the browser tests and other features rely on, spelled out so a rename on both sides is seen too.
        Assert.Contains("session.started", names);
        Assert.Contains("chat.message", names);
        Assert.Contains("poll.opened", names);
        Assert.Contains("tab.released", names);
        Assert.Contains("quiz.launched", names);
    }
}

/// <summary>
/// The declarations of events.ts: each event's data type, and each interface's field names. A shape events.ts
/// takes from another file (<c>export type { A } from './x'</c>) is read from that file; an alias
/// (<c>export type A = B;</c>) has B's fields.
/// </summary>
internal sealed record TsWire(IReadOnlyDictionary<string, string> Events, IReadOnlyDictionary<string, IReadOnlySet<string>> Interfaces)
{
    public static TsWire Parse(string source, string folder)
    {
        var interfaces = DeclaredIn(source);
        foreach (Match m in Regex.Matches(source, @"export type \{(?<names>[^}]*)\} from '(?<from>\.[^']+)';"))
        {
            var elsewhere = DeclaredIn(File.ReadAllText(Path.Combine(folder, m.Groups["from"].Value + ".ts")));
            foreach (var name in m.Groups["names"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (elsewhere.TryGetValue(name, out var fields)) interfaces[name] = fields;
        }
        foreach (Match m in Regex.Matches(source, @"import type \{(?<names>[^}]*)\} from '(?<from>\.[^']+)';"))
        {
            var elsewhere = DeclaredIn(File.ReadAllText(Path.Combine(folder, m.Groups["from"].Value + ".ts")));
            foreach (var name in m.Groups["names"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (elsewhere.TryGetValue(name, out var fields)) interfaces.TryAdd(name, fields);
        }
        foreach (Match m in Regex.Matches(source, @"export type (\w+) = (\w+);"))
            if (interfaces.TryGetValue(m.Groups[2].Value, out var fields)) interfaces[m.Groups[1].Value] = fields;

        var map = Regex.Match(source, @"export interface ClassroomEventMap \{(?<body>[^{}]*)\}");
        var events = Regex.Matches(map.Groups["body"].Value, @"'([\w.]+)'\s*:\s*(\w+)\s*;")
            .ToDictionary(e => e.Groups[1].Value, e => e.Groups[2].Value);
        return new TsWire(events, interfaces);
    }

    /// <summary>The interfaces a file declares itself (and the empty object type), with their field names.</summary>
    private static Dictionary<string, IReadOnlySet<string>> DeclaredIn(string source)
    {
        var interfaces = new Dictionary<string, IReadOnlySet<string>>();
        foreach (Match m in Regex.Matches(source, @"export interface (\w+)(?:\s+extends\s+[^{]+)?\s*\{(?<body>[^{}]*)\}"))
            interfaces[m.Groups[1].Value] = Regex.Matches(m.Groups["body"].Value, @"(?:^|[;{\s])(\w+)\??\s*:")
                .Select(f => f.Groups[1].Value).ToHashSet();
        foreach (Match m in Regex.Matches(source, @"export type (\w+) = Record<string, never>;"))
            interfaces[m.Groups[1].Value] = new HashSet<string>();
        return interfaces;
    }
}

/// <summary>Compares the C# wire (<see cref="ClassroomEvents"/> and <see cref="RoomSnapshot"/>) with a parsed events.ts.</summary>
internal static class WireCheck
{
    public static List<string> Compare(TsWire ts)
    {
        var problems = new List<string>();
        var seen = new HashSet<Type>();
        foreach (var e in ClassroomEvents.All)
        {
            if (!ts.Events.TryGetValue(e.Name, out var tsType))
            {
                problems.Add($"event '{e.Name}' is not declared in ClassroomEventMap");
                continue;
            }
            if (tsType != e.Data.Name) problems.Add($"event '{e.Name}': data is {e.Data.Name} in C#, {tsType} in events.ts");
            CompareType(e.Data, ts, seen, problems);
        }
        foreach (var name in ts.Events.Keys.Except(ClassroomEvents.All.Select(e => e.Name)))
            problems.Add($"events.ts declares event '{name}', which the server never sends");
        CompareType(typeof(RoomSnapshot), ts, seen, problems);
        return problems;
    }

    private static void CompareType(Type type, TsWire ts, HashSet<Type> seen, List<string> problems)
    {
        if (!seen.Add(type)) return;
        if (!ts.Interfaces.TryGetValue(type.Name, out var tsFields))
        {
            problems.Add($"{type.Name} has no interface in events.ts");
            return;
        }
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null && p.Name != "EqualityContract").ToList();
        var csFields = properties.Select(WireName).ToHashSet();
        foreach (var missing in csFields.Except(tsFields)) problems.Add($"{type.Name}: field {missing} is sent but not declared in events.ts");
        foreach (var extra in tsFields.Except(csFields)) problems.Add($"{type.Name}: events.ts declares {extra} , which is not sent");
        foreach (var property in properties)
            if (Record(property.PropertyType) is { } nested) CompareType(nested, ts, seen, problems);
    }

    private static string WireName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    /// <summary>The record a property carries (itself, or the element of a list of them), if it is one of ours.</summary>
    private static Type? Record(Type type)
    {
        if (type.IsArray) type = type.GetElementType()!;
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)) type = type.GetGenericArguments()[0];
        return type.IsClass && type.Assembly == typeof(ClassroomEvents).Assembly && type.GetMethod("<Clone>$") is not null ? type : null;
    }
}

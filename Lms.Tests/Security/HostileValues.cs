using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lms.Tests.Security;

/// <summary>
/// Values an attacker (or a broken client) sends: from the schema most of the time, else huge or empty strings,
/// control and right-to-left characters, negative and huge numbers, the wrong type, nulls and deep nesting.
/// Everything comes from one <see cref="Random"/>, so one seed gives the same request again.
/// </summary>
public sealed class HostileValues(ApiSurface api, Random random)
{
    private static readonly string[] Texts =
    [
        "", " ", "a", "Nguyễn Văn A", "\u0000", "\u202Eevil.exe", "👩‍👩‍👧‍👦🇻🇳", "e\u0301\u0301\u0301", "'; DROP TABLE users; --",
        "<script>alert(1)</script>", "../../../../etc/passwd", "%00", "{{7*7}}", "\uFFFF\uD800", "null", "-1", "1e309",
        "0195f000-0000-7000-8000-000000000000", "00000000-0000-0000-0000-000000000000", "2026-02-30T25:61:00Z",
    ];

    private static readonly double[] Numbers =
        [0, -1, 1, -2147483649, 2147483648, 9007199254740993, -9.9e307, 1.5, 1e-300, int.MaxValue, long.MinValue];

    public string Text() => random.Next(6) switch
    {
        0 => new string('x', random.Next(2) == 0 ? 1025 : 100_001),
        1 => string.Concat(Enumerable.Range(0, random.Next(1, 60)).Select(_ => (char)random.Next(0x20, 0x2FFF))),
        _ => Texts[random.Next(Texts.Length)],
    };

    /// <summary>Hostile text a header can carry (HTTP headers are ASCII; the client refuses anything else itself).</summary>
    public string AsciiText() => new(Text().Where(c => c is >= ' ' and < (char)127).ToArray());

    /// <summary>A value for a schema: shaped like it three times in four, hostile otherwise.</summary>
    public JsonNode? Value(JsonElement schema, IReadOnlyDictionary<string, string> ids, string name = "", int depth = 0)
    {
        schema = api.Resolve(schema);
        if (random.Next(4) == 0 || depth > 5) return Hostile(depth);
        var types = ApiSurface.SchemaTypes(schema);
        if (schema.TryGetProperty("enum", out var values) && values.GetArrayLength() > 0 && random.Next(3) > 0)
            return JsonNode.Parse(values[random.Next(values.GetArrayLength())].GetRawText());
        if (types.Contains("object") || schema.TryGetProperty("properties", out _))
        {
            var result = new JsonObject();
            if (schema.TryGetProperty("properties", out var properties))
                foreach (var property in properties.EnumerateObject().Where(_ => random.Next(8) > 0))
                    result[property.Name] = Value(property.Value, ids, property.Name, depth + 1);
            if (random.Next(10) == 0) result["unexpected" + random.Next(100)] = Hostile(depth + 1);
            return result;
        }
        if (types.Contains("array"))
        {
            var array = new JsonArray();
            var count = random.Next(10) == 0 ? random.Next(200, 2000) : random.Next(4);
            for (var i = 0; i < count && schema.TryGetProperty("items", out var items); i++)
                array.Add(i < 4 ? Value(items, ids, name.TrimEnd('s'), depth + 1) : JsonValue.Create(i));
            return array;
        }
        if (types.Contains("boolean")) return random.Next(2) == 0;
        if (types.Contains("integer")) return random.Next(3) == 0 ? JsonValue.Create(Numbers[random.Next(Numbers.Length)]) : random.Next(-5, 1000);
        if (types.Contains("number")) return Numbers[random.Next(Numbers.Length)];
        if (types.Contains("string"))
        {
            var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
            if (format == "uuid") return ids.TryGetValue(name, out var id) && random.Next(2) == 0 ? id : Guid.CreateVersion7().ToString();
            if (format == "date-time") return DateTimeOffset.UtcNow.AddMinutes(random.Next(-1_000_000, 1_000_000)).ToString("O");
            return Text();
        }
        return Hostile(depth);
    }

    /// <summary>Anything but what was asked for.</summary>
    public JsonNode? Hostile(int depth) => random.Next(7) switch
    {
        0 => null,
        1 => Text(),
        2 => Numbers[random.Next(Numbers.Length)],
        3 => random.Next(2) == 0,
        4 => Nested(random.Next(2) == 0 ? 10 : 300),
        5 when depth < 4 => new JsonObject { ["a"] = Hostile(depth + 1) },
        _ => new JsonArray(JsonValue.Create(Text())),
    };

    private static JsonNode Nested(int levels)
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < levels; i++) node = new JsonArray(node);
        return node;
    }

    /// <summary>A raw body that is not JSON of the schema at all, or null to send the generated one.</summary>
    public string? RawBody() => random.Next(12) switch
    {
        0 => "",
        1 => "{",
        2 => "[" + new string('[', 5000),
        3 => "\"" + new string('a', 200_000) + "\"",
        4 => "{\"a\":1,\"a\":2}",
        _ => null,
    };

    public bool Chance(int oneIn) => random.Next(oneIn) == 0;

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}

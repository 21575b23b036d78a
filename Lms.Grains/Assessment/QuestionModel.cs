using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lms.Grains.Assessment;

public static class QuestionTypes
{
    public const string Single = "single";
    public const string Multiple = "multiple";
    public const string TrueFalse = "truefalse";
    public const string Short = "short";
    public const string Numerical = "numerical";
    public const string Matching = "matching";
    public const string Ordering = "ordering";
    public const string Cloze = "cloze";
    public const string Essay = "essay";

    public static readonly IReadOnlyList<string> All =
        [Single, Multiple, TrueFalse, Short, Numerical, Matching, Ordering, Cloze, Essay];
}

/// <summary>One option of a single- or multiple-choice question (or of a choice blank in a cloze).</summary>
public sealed record Choice
{
    public string Id { get; init; } = "";
    public string Text { get; init; } = "";
    /// <summary>Credit for choosing it, -1..1. Single choice: the right one is 1. Multiple: the right ones share 1.</summary>
    public double Fraction { get; init; }
    public string? Feedback { get; init; }
}

/// <summary>An accepted short answer: <c>*</c> matches any run of characters.</summary>
public sealed record AcceptedAnswer
{
    public string Text { get; init; } = "";
    public double Fraction { get; init; } = 1;
    public string? Feedback { get; init; }
}

public sealed record NumericAnswer
{
    public double Value { get; init; }
    public double Tolerance { get; init; }
    public double Fraction { get; init; } = 1;
    public string? Feedback { get; init; }
}

public sealed record MatchPair
{
    public string Id { get; init; } = "";
    public string Prompt { get; init; } = "";
    public string Answer { get; init; } = "";
}

public sealed record OrderItem
{
    public string Id { get; init; } = "";
    public string Text { get; init; } = "";
}

public static class BlankKinds
{
    public const string Text = "text";
    public const string Numeric = "numeric";
    public const string Choice = "choice";
}

/// <summary>One gap of a cloze question; the stem marks it with <c>[[id]]</c>.</summary>
public sealed record Blank
{
    public string Id { get; init; } = "";
    public string Kind { get; init; } = BlankKinds.Text;
    public IReadOnlyList<AcceptedAnswer>? Accepted { get; init; }
    public bool CaseSensitive { get; init; }
    public IReadOnlyList<NumericAnswer>? Numbers { get; init; }
    public IReadOnlyList<Choice>? Choices { get; init; }
}

/// <summary>
/// What a question says and how it is graded: one shape for every type, each type using its fields.
/// Stored as JSON in <c>question_versions.content</c>; a version never changes once an attempt uses it.
/// </summary>
public sealed record QuestionContent
{
    public string Type { get; init; } = "";
    /// <summary>Sanitised HTML; math as <c>\( … \)</c> or <c>$$ … $$</c>, rendered by KaTeX in the browser.</summary>
    public string Stem { get; init; } = "";
    public string? GeneralFeedback { get; init; }
    public IReadOnlyList<Choice>? Choices { get; init; }
    /// <summary>True/false: the right answer.</summary>
    public bool? Correct { get; init; }
    public string? TrueFeedback { get; init; }
    public string? FalseFeedback { get; init; }
    public IReadOnlyList<AcceptedAnswer>? Accepted { get; init; }
    public bool CaseSensitive { get; init; }
    public IReadOnlyList<NumericAnswer>? Numbers { get; init; }
    public IReadOnlyList<MatchPair>? Pairs { get; init; }
    /// <summary>Matching: extra answers that match no prompt.</summary>
    public IReadOnlyList<string>? Distractors { get; init; }
    /// <summary>Ordering: the items in their right order.</summary>
    public IReadOnlyList<OrderItem>? Items { get; init; }
    public IReadOnlyList<Blank>? Blanks { get; init; }
}

/// <summary>A student's response to one question; each type reads its own fields.</summary>
public sealed record QuestionResponse
{
    public string? Choice { get; init; }
    public IReadOnlyList<string>? Choices { get; init; }
    public bool? Value { get; init; }
    public string? Text { get; init; }
    /// <summary>Matching: prompt id → the answer's text.</summary>
    public IReadOnlyDictionary<string, string>? Pairs { get; init; }
    public IReadOnlyList<string>? Order { get; init; }
    /// <summary>Cloze: blank id → what was typed (or the choice id).</summary>
    public IReadOnlyDictionary<string, string>? Blanks { get; init; }
}

public static class AssessmentJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
                                            ?? throw new JsonException("Empty JSON.");
}

/// <summary>A question with its place in the bank.</summary>
public sealed record QuestionMeta
{
    public string Title { get; init; } = "";
    public string? Subject { get; init; }
    public string? Level { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>1 (easy) to 5 (hard).</summary>
    public int Difficulty { get; init; } = 3;
    public bool Shared { get; init; }
}

/// <summary>A question as an import or the editor gives it, before it is stored.</summary>
public sealed record QuestionDraft(QuestionMeta Meta, QuestionContent Content);

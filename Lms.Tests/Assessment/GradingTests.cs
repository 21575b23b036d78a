using Lms.Grains.Assessment;

namespace Lms.Tests.Assessment;

/// <summary>Every question type graded, with partial credit and the edge cases that catch graders out.</summary>
public sealed class GradingTests
{
    private static double? Grade(QuestionContent q, QuestionResponse? r) => Grader.Grade(QuestionRules.Normalise(q), r).Fraction;

    private static readonly QuestionContent SingleChoice = new()
    {
        Type = QuestionTypes.Single, Stem = "2 + 2 = ?",
        Choices = [new Choice { Id = "a", Text = "3" }, new Choice { Id = "b", Text = "4", Fraction = 1, Feedback = "Đúng" }, new Choice { Id = "c", Text = "5", Fraction = 0.5 }],
    };

    [Fact]
    public void Single_choice_scores_the_chosen_option_and_nothing_for_no_or_unknown_choice()
    {
        Assert.Equal(1, Grade(SingleChoice, new QuestionResponse { Choice = "b" }));
        Assert.Equal(0.5, Grade(SingleChoice, new QuestionResponse { Choice = "c" }));
        Assert.Equal(0, Grade(SingleChoice, new QuestionResponse { Choice = "a" }));
        Assert.Equal(0, Grade(SingleChoice, new QuestionResponse { Choice = "zzz" }));
        Assert.Equal(0, Grade(SingleChoice, null));
        Assert.Contains("Đúng", Grader.Grade(SingleChoice, new QuestionResponse { Choice = "b" }).Feedback);
    }

    private static readonly QuestionContent MultipleChoice = new()
    {
        Type = QuestionTypes.Multiple, Stem = "Số nguyên tố?",
        Choices = [new Choice { Text = "2", Fraction = 1 }, new Choice { Text = "3", Fraction = 1 }, new Choice { Text = "4" }, new Choice { Text = "9" }],
    };

    [Fact]
    public void Multiple_choice_gives_partial_credit_and_choosing_everything_scores_nothing()
    {
        Assert.Equal(1, Grade(MultipleChoice, new QuestionResponse { Choices = ["a", "b"] }));
        Assert.Equal(0.5, Grade(MultipleChoice, new QuestionResponse { Choices = ["a"] }));
        Assert.Equal(0, Grade(MultipleChoice, new QuestionResponse { Choices = ["a", "c"] }));
        Assert.Equal(0.5, Grade(MultipleChoice, new QuestionResponse { Choices = ["a", "b", "c"] }));
        Assert.Equal(0, Grade(MultipleChoice, new QuestionResponse { Choices = ["a", "b", "c", "d"] }));
        Assert.Equal(0, Grade(MultipleChoice, new QuestionResponse { Choices = ["c"] }));
        // The same option twice counts once.
        Assert.Equal(0.5, Grade(MultipleChoice, new QuestionResponse { Choices = ["a", "a"] }));
        Assert.Equal(0, Grade(MultipleChoice, new QuestionResponse { Choices = [] }));
    }

    [Fact]
    public void True_false_needs_an_answer()
    {
        var q = new QuestionContent { Type = QuestionTypes.TrueFalse, Stem = "x² ≥ 0", Correct = true };
        Assert.Equal(1, Grade(q, new QuestionResponse { Value = true }));
        Assert.Equal(0, Grade(q, new QuestionResponse { Value = false }));
        Assert.Equal(0, Grade(q, new QuestionResponse()));
    }

    [Fact]
    public void Short_answer_honours_wildcards_case_and_spacing()
    {
        var q = new QuestionContent
        {
            Type = QuestionTypes.Short, Stem = "Đồ thị hàm bậc hai?",
            Accepted = [new AcceptedAnswer { Text = "parabol" }, new AcceptedAnswer { Text = "đường *bol", Fraction = 0.5 }],
        };
        Assert.Equal(1, Grade(q, new QuestionResponse { Text = "  Parabol " }));
        Assert.Equal(0.5, Grade(q, new QuestionResponse { Text = "đường   parabol" }));
        Assert.Equal(0, Grade(q, new QuestionResponse { Text = "hyperbol" }));
        Assert.Equal(0, Grade(q, new QuestionResponse { Text = "" }));
        // Regex characters in an answer are literal.
        var dotted = new QuestionContent { Type = QuestionTypes.Short, Stem = "?", Accepted = [new AcceptedAnswer { Text = "a.b" }] };
        Assert.Equal(0, Grade(dotted, new QuestionResponse { Text = "axb" }));
        Assert.Equal(1, Grade(dotted, new QuestionResponse { Text = "a.b" }));
        var cased = new QuestionContent { Type = QuestionTypes.Short, Stem = "?", CaseSensitive = true, Accepted = [new AcceptedAnswer { Text = "NaCl" }] };
        Assert.Equal(0, Grade(cased, new QuestionResponse { Text = "nacl" }));
        Assert.Equal(1, Grade(cased, new QuestionResponse { Text = "NaCl" }));
    }

    [Fact]
    public void Numerical_accepts_within_tolerance_and_a_decimal_comma()
    {
        var q = new QuestionContent
        {
            Type = QuestionTypes.Numerical, Stem = "π?",
            Numbers = [new NumericAnswer { Value = 3.14, Tolerance = 0.01 }, new NumericAnswer { Value = 3, Tolerance = 0, Fraction = 0.5 }],
        };
        Assert.Equal(1, Grade(q, new QuestionResponse { Text = "3.15" }));
        Assert.Equal(1, Grade(q, new QuestionResponse { Text = "3,14" }));
        Assert.Equal(0, Grade(q, new QuestionResponse { Text = "3.16" }));
        Assert.Equal(0.5, Grade(q, new QuestionResponse { Text = "3" }));
        Assert.Equal(0, Grade(q, new QuestionResponse { Text = "ba" }));
        Assert.Equal(0, Grade(q, new QuestionResponse { Text = "NaN" }));
        Assert.Equal(0, Grade(q, new QuestionResponse { Text = "Infinity" }));
    }

    [Fact]
    public void Matching_scores_the_share_of_prompts_matched()
    {
        var q = new QuestionContent
        {
            Type = QuestionTypes.Matching, Stem = "Ghép",
            Pairs = [new MatchPair { Prompt = "a", Answer = "1" }, new MatchPair { Prompt = "b", Answer = "2" }, new MatchPair { Prompt = "c", Answer = "3" }],
            Distractors = ["4"],
        };
        var n = QuestionRules.Normalise(q);
        Assert.Equal(1, Grade(q, new QuestionResponse { Pairs = new Dictionary<string, string> { ["p1"] = "1", ["p2"] = "2", ["p3"] = "3" } }));
        Assert.Equal(2.0 / 3, Grade(q, new QuestionResponse { Pairs = new Dictionary<string, string> { ["p1"] = "1", ["p2"] = "2", ["p3"] = "4" } })!.Value, 5);
        Assert.Equal(0, Grade(q, new QuestionResponse { Pairs = new Dictionary<string, string>() }));
        Assert.Equal(["p1", "p2", "p3"], n.Pairs!.Select(p => p.Id));
    }

    [Fact]
    public void Ordering_scores_neighbouring_pairs_kept_in_order()
    {
        var q = new QuestionContent
        {
            Type = QuestionTypes.Ordering, Stem = "Sắp xếp",
            Items = [new OrderItem { Text = "1" }, new OrderItem { Text = "2" }, new OrderItem { Text = "3" }, new OrderItem { Text = "4" }],
        };
        Assert.Equal(1, Grade(q, new QuestionResponse { Order = ["i1", "i2", "i3", "i4"] }));
        Assert.Equal(0, Grade(q, new QuestionResponse { Order = ["i4", "i3", "i2", "i1"] }));
        Assert.Equal(2.0 / 3, Grade(q, new QuestionResponse { Order = ["i3", "i4", "i1", "i2"] })!.Value, 5);
        Assert.Equal(0, Grade(q, new QuestionResponse()));
    }

    [Fact]
    public void Cloze_averages_its_blanks_of_each_kind()
    {
        var q = new QuestionContent
        {
            Type = QuestionTypes.Cloze, Stem = "Sông [[1]] ở miền [[2]], năm [[3]]",
            Blanks =
            [
                new Blank { Id = "1", Kind = BlankKinds.Text, Accepted = [new AcceptedAnswer { Text = "Hồng" }] },
                new Blank { Id = "2", Kind = BlankKinds.Choice, Choices = [new Choice { Id = "a", Text = "Bắc", Fraction = 1 }, new Choice { Id = "b", Text = "Nam" }] },
                new Blank { Id = "3", Kind = BlankKinds.Numeric, Numbers = [new NumericAnswer { Value = 1010 }] },
            ],
        };
        Assert.Empty(QuestionRules.Problems(QuestionRules.Normalise(q)));
        Assert.Equal(1, Grade(q, new QuestionResponse { Blanks = new Dictionary<string, string> { ["1"] = "hồng", ["2"] = "a", ["3"] = "1010" } }));
        Assert.Equal(2.0 / 3, Grade(q, new QuestionResponse { Blanks = new Dictionary<string, string> { ["1"] = "Hồng", ["2"] = "b", ["3"] = "1010" } })!.Value, 5);
        Assert.Equal(0, Grade(q, null));
    }

    [Fact]
    public void Essays_wait_for_a_person()
    {
        var q = new QuestionContent { Type = QuestionTypes.Essay, Stem = "Viết" };
        Assert.Null(Grade(q, new QuestionResponse { Text = "Bài làm" }));
    }

    [Fact]
    public void Malformed_questions_are_named_with_their_problem()
    {
        Assert.Contains("no option is marked right", QuestionRules.Problems(QuestionRules.Normalise(SingleChoice with
        {
            Choices = [new Choice { Text = "a" }, new Choice { Text = "b" }],
        })));
        Assert.Contains(QuestionRules.Problems(QuestionRules.Normalise(new QuestionContent
        {
            Type = QuestionTypes.Cloze, Stem = "no markers", Blanks = [new Blank { Id = "1", Accepted = [new AcceptedAnswer { Text = "x" }] }],
        })), p => p.Contains("[[1]]"));
        Assert.NotEmpty(QuestionRules.Problems(new QuestionContent { Type = "drawing", Stem = "?" }));
    }

    [Fact]
    public void Html_is_sanitised_but_math_and_images_stay()
    {
        var clean = QuestionSanitizer.Clean(new QuestionContent
        {
            Type = QuestionTypes.Essay,
            Stem = "<p onclick=\"x()\">Tính \\(\\frac{1}{2}\\)</p><script>alert(1)</script><img src=\"https://example.org/a.png\" onerror=\"y()\"><a href=\"javascript:alert(1)\">x</a>",
        });
        Assert.DoesNotContain("script", clean.Stem);
        Assert.DoesNotContain("onclick", clean.Stem);
        Assert.DoesNotContain("onerror", clean.Stem);
        Assert.DoesNotContain("javascript:", clean.Stem);
        Assert.Contains("\\(\\frac{1}{2}\\)", clean.Stem);
        Assert.Contains("<img src=\"https://example.org/a.png\">", clean.Stem);
    }

    [Fact]
    public void The_draw_is_reproducible_from_its_seed()
    {
        var q = QuestionRules.Normalise(MultipleChoice);
        var seed = Drawing.SeedFor(Guid.Parse("0190a0a0-0000-7000-8000-000000000001"), Guid.Parse("0190a0a0-0000-7000-8000-000000000002"), 1);
        Assert.Equal(seed, Drawing.SeedFor(Guid.Parse("0190a0a0-0000-7000-8000-000000000001"), Guid.Parse("0190a0a0-0000-7000-8000-000000000002"), 1));
        Assert.NotEqual(seed, Drawing.SeedFor(Guid.Parse("0190a0a0-0000-7000-8000-000000000001"), Guid.Parse("0190a0a0-0000-7000-8000-000000000002"), 2));
        var first = Drawing.OptionOrder(q, true, new Random(seed));
        var again = Drawing.OptionOrder(q, true, new Random(seed));
        Assert.Equal(first, again);
        var ordering = QuestionRules.Normalise(new QuestionContent
        {
            Type = QuestionTypes.Ordering, Stem = "?", Items = [new OrderItem { Text = "x" }, new OrderItem { Text = "y" }],
        });
        for (var s = 0; s < 20; s++)
            Assert.Equal(["i2", "i1"], Drawing.OptionOrder(ordering, false, new Random(s)));
    }
}

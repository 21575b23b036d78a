using Lms.Grains.Courses;
using Lms.Grains.Moocs;

namespace Lms.Tests.Moocs;

/// <summary>The grading arithmetic on its own: weights, drop lowest, ungraded work, empty categories.</summary>
public sealed class GradingPolicyTests
{
    private static readonly GradingPolicy Policy = new(
        [new GradingCategory("quiz", "Quizzes", 40, 1), new GradingCategory("hw", "Homework", 60, 0)], 60, true);

    [Fact]
    public void Categories_are_weighted_and_each_drops_its_lowest()
    {
        var result = Policy.Compute([("quiz", 1.0), ("quiz", 0.2), ("quiz", 0.8), ("hw", 0.5), ("hw", 0.7)]);

        // Quizzes: 0.2 dropped, mean(1.0, 0.8) = 90%. Homework: mean(0.5, 0.7) = 60%. 0.4*90 + 0.6*60 = 72.
        Assert.Equal(72.0, result.Grade);
        var quiz = result.Categories.Single(c => c.Category.Key == "quiz");
        Assert.Equal(90.0, quiz.Score, 6);
        Assert.Equal(1, quiz.Dropped);
    }

    [Fact]
    public void Ungraded_work_counts_as_zero_and_drop_lowest_never_drops_everything()
    {
        var result = Policy.Compute([("quiz", null), ("hw", 1.0)]);

        // One quiz, ungraded: nothing is dropped (at least one score stays), it counts 0.
        Assert.Equal(0, result.Categories.Single(c => c.Category.Key == "quiz").Dropped);
        Assert.Equal(60.0, result.Grade);
    }

    [Fact]
    public void A_category_without_items_gives_its_weight_to_the_others()
    {
        var result = Policy.Compute([("hw", 0.75)]);

        Assert.Equal(75.0, result.Grade);
    }

    [Fact]
    public void Scores_outside_zero_to_one_are_clamped()
    {
        Assert.Equal(100.0, Policy.Compute([("quiz", 3.0), ("hw", 1.5)]).Grade);
    }

    [Theory]
    [InlineData(101, 40, 60, "pass mark")]
    [InlineData(50, 40, 50, "add up to 100")]
    [InlineData(50, -1, 101, "weight")]
    public void Unsound_policies_are_named(int passMark, double w1, double w2, string expected)
    {
        var policy = new GradingPolicy([new GradingCategory("a", "A", w1, 0), new GradingCategory("b", "B", w2, 0)], passMark, true);

        Assert.Contains(expected, policy.Problem(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Duplicate_keys_are_refused_and_a_sound_policy_passes()
    {
        var duplicate = new GradingPolicy([new GradingCategory("a", "A", 50, 0), new GradingCategory("a", "B", 50, 0)], 50, true);
        Assert.Contains("twice", duplicate.Problem());
        Assert.Null(Policy.Problem());
        Assert.Null(new GradingPolicy([], 50, true).Problem());
    }
}

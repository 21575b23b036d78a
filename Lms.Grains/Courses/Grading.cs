using System.Text.Json;

namespace Lms.Grains.Courses;

/// <summary>A grading category: its share of the final grade, and how many of its lowest scores are dropped.</summary>
[GenerateSerializer, Immutable]
public sealed record GradingCategory(
    [property: Id(0)] string Key,
    [property: Id(1)] string Name,
    [property: Id(2)] double Weight,
    [property: Id(3)] int DropLowest);

/// <summary>
/// How a course is graded: weighted categories (each item may belong to one), a pass mark in percent,
/// and whether every required item must also be completed to pass.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record GradingPolicy(
    [property: Id(0)] IReadOnlyList<GradingCategory> Categories,
    [property: Id(1)] int PassMark,
    [property: Id(2)] bool RequireAllItems)
{
    public static GradingPolicy Default { get; } = new([], 50, true);

    public string CategoriesJson() => JsonSerializer.Serialize(Categories, JsonSerializerOptions.Web);

    public static IReadOnlyList<GradingCategory> ParseCategories(string json) =>
        JsonSerializer.Deserialize<List<GradingCategory>>(json, JsonSerializerOptions.Web) ?? [];

    /// <summary>The problem with this policy, or null when it is sound.</summary>
    public string? Problem()
    {
        if (PassMark is < 0 or > 100) return "The pass mark is a percentage from 0 to 100.";
        if (Categories.Count > 20) return "A policy has at most 20 categories.";
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in Categories)
        {
            if (string.IsNullOrWhiteSpace(c.Key) || c.Key.Length > 50) return "Every category needs a key of at most 50 characters.";
            if (!keys.Add(c.Key)) return $"The category key {c.Key} is used twice.";
            if (string.IsNullOrWhiteSpace(c.Name) || c.Name.Length > 100) return "Every category needs a name of at most 100 characters.";
            if (c.Weight is < 0 or > 100 || double.IsNaN(c.Weight)) return "A category's weight is from 0 to 100.";
            if (c.DropLowest is < 0 or > 50) return "Drop lowest is from 0 to 50.";
        }
        if (Categories.Count > 0 && Math.Abs(Categories.Sum(c => c.Weight) - 100) > 0.001)
            return "The categories' weights add up to 100.";
        return null;
    }

    /// <summary>
    /// The grade (0–100) from each graded item's score (0–1; null while not graded, which counts as 0).
    /// Each category averages its items after dropping its lowest scores (never all of them); categories
    /// without items do not count, and the others' weights are scaled up to fill their place.
    /// </summary>
    public GradeBreakdown Compute(IEnumerable<(string Category, double? Score)> items)
    {
        var byCategory = items.GroupBy(i => i.Category).ToDictionary(g => g.Key, g => g.Select(i => Math.Clamp(i.Score ?? 0, 0, 1)).ToList());
        var results = new List<CategoryResult>();
        double weighted = 0, weights = 0;
        foreach (var category in Categories)
        {
            var scores = byCategory.GetValueOrDefault(category.Key) ?? [];
            var drop = Math.Min(category.DropLowest, Math.Max(0, scores.Count - 1));
            var kept = scores.Order().Skip(drop).ToList();
            var score = kept.Count == 0 ? 0 : kept.Average();
            results.Add(new CategoryResult(category, score * 100, scores.Count, drop));
            if (scores.Count == 0) continue;
            weighted += score * category.Weight;
            weights += category.Weight;
        }
        var grade = weights == 0 ? 0 : Math.Round(100 * weighted / weights, 1);
        return new GradeBreakdown(grade, results);
    }
}

public sealed record CategoryResult(GradingCategory Category, double Score, int Items, int Dropped);

public sealed record GradeBreakdown(double Grade, IReadOnlyList<CategoryResult> Categories);

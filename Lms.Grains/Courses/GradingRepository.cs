using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Courses;

/// <summary>How one item counts in its course.</summary>
public sealed record ItemRuleRow
{
    public Guid ItemId { get; init; }
    public Guid CourseId { get; init; }
    public bool Required { get; init; } = true;
    public string? Category { get; init; }
    public int? ReleaseDay { get; init; }
    public int? MinPercent { get; init; }
}

public sealed record ResultRow
{
    public Guid CourseId { get; init; }
    public Guid UserId { get; init; }
    public decimal Grade { get; init; }
    public DateTimeOffset PassedAt { get; init; }
}

/// <summary>A course's grading policy, its items' rules, and who passed it.</summary>
public sealed class GradingRepository(Db db)
{
    private sealed record PolicyRow
    {
        public string Categories { get; init; } = "[]";
        public int PassMark { get; init; }
        public bool RequireAllItems { get; init; }
    }

    private static readonly Sql PolicySql = Sql.Portable(
        "SELECT categories, pass_mark, require_all_items FROM course_grading WHERE course_id = @courseId");

    /// <summary>The course's policy; null when it has none (then it is not graded).</summary>
    public async Task<GradingPolicy?> PolicyAsync(Guid courseId)
    {
        var row = await db.SingleOrDefaultAsync<PolicyRow>(PolicySql, new { courseId });
        return row is null ? null : new GradingPolicy(GradingPolicy.ParseCategories(row.Categories), row.PassMark, row.RequireAllItems);
    }

    private static readonly Sql UpdatePolicySql = Sql.Portable(
        "UPDATE course_grading SET categories = @categories, pass_mark = @passMark, require_all_items = @requireAll WHERE course_id = @courseId");
    private static readonly Sql InsertPolicySql = Sql.Portable(
        "INSERT INTO course_grading (course_id, categories, pass_mark, require_all_items) VALUES (@courseId, @categories, @passMark, @requireAll)");

    public async Task SavePolicyAsync(Guid courseId, GradingPolicy policy)
    {
        var args = new { courseId, categories = policy.CategoriesJson(), passMark = policy.PassMark, requireAll = policy.RequireAllItems };
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync(db.Text(UpdatePolicySql), args, transaction) == 0)
                await connection.ExecuteAsync(db.Text(InsertPolicySql), args, transaction);
            return 0;
        });
    }

    private static readonly Sql RulesSql = Sql.Portable(
        "SELECT item_id, course_id, required, category, release_day, min_percent FROM course_item_rules WHERE course_id = @courseId");

    public async Task<IReadOnlyDictionary<Guid, ItemRuleRow>> RulesAsync(Guid courseId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<ItemRuleRow>(db.Text(RulesSql), new { courseId })).ToDictionary(r => r.ItemId);
    }

    private static readonly Sql UpdateRuleSql = Sql.Portable(
        "UPDATE course_item_rules SET required = @Required, category = @Category, release_day = @ReleaseDay, min_percent = @MinPercent " +
        "WHERE item_id = @ItemId AND course_id = @CourseId");
    private static readonly Sql InsertRuleSql = Sql.Portable(
        "INSERT INTO course_item_rules (item_id, course_id, required, category, release_day, min_percent) " +
        "VALUES (@ItemId, @CourseId, @Required, @Category, @ReleaseDay, @MinPercent)");

    public async Task SaveRuleAsync(ItemRuleRow rule)
    {
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync(db.Text(UpdateRuleSql), rule, transaction) == 0)
                await connection.ExecuteAsync(db.Text(InsertRuleSql), rule, transaction);
            return 0;
        });
    }

    private static readonly Sql ResultSql = Sql.Portable(
        "SELECT course_id, user_id, grade, passed_at FROM course_results WHERE course_id = @courseId AND user_id = @userId");

    public async Task<ResultRow?> ResultAsync(Guid courseId, Guid userId)
    {
        return await db.SingleOrDefaultAsync<ResultRow>(ResultSql, new { courseId, userId });
    }

    private static readonly Sql InsertResultSql = Sql.PerDialect(d => d.InsertIgnore(
        "course_results", ["course_id", "user_id", "grade", "passed_at"], ["@courseId", "@userId", "@grade", "@passedAt"],
        ["course_id", "user_id"]));

    /// <summary>Records that a learner passed; false when it was already recorded.</summary>
    public async Task<bool> RecordPassAsync(Guid courseId, Guid userId, decimal grade, DateTimeOffset passedAt)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync(db.Text(InsertResultSql), new { courseId, userId, grade, passedAt }) > 0;
    }

    private static readonly Sql ResultsSql = Sql.Portable(
        "SELECT course_id, user_id, grade, passed_at FROM course_results WHERE course_id = @courseId ORDER BY passed_at, user_id");

    /// <summary>Every recorded pass in a course (the learners whose credentials rest on it).</summary>
    public async Task<IReadOnlyList<ResultRow>> ResultsAsync(Guid courseId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<ResultRow>(db.Text(ResultsSql), new { courseId })).AsList();
    }

    private static readonly Sql UpdateResultGradeSql = Sql.Portable(
        "UPDATE course_results SET grade = @grade WHERE course_id = @courseId AND user_id = @userId");

    /// <summary>The recorded grade follows a re-issue (the pass's date stays the first pass's).</summary>
    public async Task UpdateResultGradeAsync(Guid courseId, Guid userId, decimal grade)
    {
        await db.ExecuteAsync(UpdateResultGradeSql, new { courseId, userId, grade });
    }

    private static readonly Sql DeleteRuleSql = Sql.Portable("DELETE FROM course_item_rules WHERE item_id = @itemId");

    public async Task DeleteRuleAsync(Guid itemId)
    {
        await db.ExecuteAsync(DeleteRuleSql, new { itemId });
    }
}

namespace Lms.Grains.Data;

/// <summary>
/// One SQL statement, written next to the repository method that runs it. Most statements are
/// portable; the few that are not build their text from the <see cref="SqlDialect"/>.
/// Every <see cref="Sql"/> held in a static field is parsed for SQL Server by the test suite,
/// so keep statements in static fields.
/// </summary>
public sealed class Sql
{
    private readonly Func<SqlDialect, string> _build;
    private readonly string?[] _texts = new string?[Enum.GetValues<DatabaseProvider>().Length];

    private Sql(Func<SqlDialect, string> build) => _build = build;

    public static Sql Portable(string text) => new(_ => text);

    public static Sql PerDialect(Func<SqlDialect, string> build) => new(build);

    public string For(SqlDialect dialect) =>
        _texts[(int)dialect.Provider] ??= _build(dialect);
}

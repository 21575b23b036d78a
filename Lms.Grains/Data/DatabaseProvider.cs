namespace Lms.Grains.Data;

/// <summary>The relational stores the platform runs on; one is chosen by <c>Database:Provider</c>.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
    SqlServer,
}

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Filled from <c>ConnectionStrings:Lms</c>.</summary>
    public string ConnectionString { get; set; } = "";
}

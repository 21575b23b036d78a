using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Full-text search over the content library, each database its own way, all over the same folded
/// <c>search_text</c> (Vietnamese without diacritics, see SearchText): SQLite an FTS5 table kept in
/// step by triggers; PostgreSQL a generated tsvector ('simple' configuration) with a GIN index;
/// SQL Server a full-text index (which cannot be created inside a transaction, hence none here).
/// </summary>
[Migration(302, TransactionBehavior.None, "Full-text search over the content library")]
public sealed class M0302_ContentSearch : Migration
{
    // AddPostgres() registers the newest PostgreSQL processor; IfDatabase matches its id or an alias.
    private static readonly string[] Postgres = ["Postgres", "PostgreSQL", "PostgreSQL10_0", "PostgreSQL11_0", "PostgreSQL15_0"];

    public override void Up()
    {
        IfDatabase("SQLite").Execute.Sql(
            "CREATE VIRTUAL TABLE content_search USING fts5(item_id UNINDEXED, body, tokenize = 'unicode61')");
        IfDatabase("SQLite").Execute.Sql(
            "CREATE TRIGGER content_items_search_insert AFTER INSERT ON content_items BEGIN " +
            "INSERT INTO content_search (item_id, body) VALUES (new.id, new.search_text); END");
        IfDatabase("SQLite").Execute.Sql(
            "CREATE TRIGGER content_items_search_update AFTER UPDATE OF search_text ON content_items BEGIN " +
            "DELETE FROM content_search WHERE item_id = old.id; " +
            "INSERT INTO content_search (item_id, body) VALUES (new.id, new.search_text); END");
        IfDatabase("SQLite").Execute.Sql(
            "CREATE TRIGGER content_items_search_delete AFTER DELETE ON content_items BEGIN " +
            "DELETE FROM content_search WHERE item_id = old.id; END");

        IfDatabase(Postgres).Execute.Sql(
            "ALTER TABLE content_items ADD COLUMN search_vector tsvector " +
            "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED");
        IfDatabase(Postgres).Execute.Sql(
            "CREATE INDEX ix_content_items_search ON content_items USING GIN (search_vector)");

        IfDatabase("SqlServer").Execute.Sql("CREATE FULLTEXT CATALOG lms_content_catalog");
        // LANGUAGE 0: the neutral word breaker, since the text is already folded.
        IfDatabase("SqlServer").Execute.Sql(
            "CREATE FULLTEXT INDEX ON content_items (search_text LANGUAGE 0) " +
            "KEY INDEX pk_content_items ON lms_content_catalog WITH CHANGE_TRACKING AUTO");
    }

    public override void Down()
    {
        IfDatabase("SQLite").Execute.Sql("DROP TRIGGER content_items_search_delete");
        IfDatabase("SQLite").Execute.Sql("DROP TRIGGER content_items_search_update");
        IfDatabase("SQLite").Execute.Sql("DROP TRIGGER content_items_search_insert");
        IfDatabase("SQLite").Execute.Sql("DROP TABLE content_search");
        IfDatabase(Postgres).Execute.Sql("DROP INDEX ix_content_items_search");
        IfDatabase(Postgres).Execute.Sql("ALTER TABLE content_items DROP COLUMN search_vector");
        IfDatabase("SqlServer").Execute.Sql("DROP FULLTEXT INDEX ON content_items");
        IfDatabase("SqlServer").Execute.Sql("DROP FULLTEXT CATALOG lms_content_catalog");
    }
}

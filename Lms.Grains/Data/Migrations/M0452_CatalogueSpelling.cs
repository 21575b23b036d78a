using System.Data;
using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// The catalogue's search text is now folded with <see cref="SearchText.FoldSpelling"/> ("kĩ"/"kỹ" as one):
/// entries stored before are folded again (their stored text is already folded, so the new step applies to it alone).
/// </summary>
[Migration(452, "Catalogue search: Vietnamese i/y spelling variants folded")]
public sealed class M0452_CatalogueSpelling : Migration
{
    public override void Up() => Execute.WithConnection(Refold);

    private static void Refold(IDbConnection connection, IDbTransaction transaction)
    {
        var rows = new List<(object Id, string Text)>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT id, search_text FROM moocs";
            using var reader = select.ExecuteReader();
            while (reader.Read())
                if (!reader.IsDBNull(1)) rows.Add((reader.GetValue(0), reader.GetString(1)));
        }
        foreach (var (id, text) in rows)
        {
            var folded = SearchText.FoldSpelling(text);
            if (folded == text) continue;
            using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE moocs SET search_text = @text WHERE id = @id";
            Add(update, "@text", folded);
            Add(update, "@id", id); // as read: text on SQLite, uuid on PostgreSQL and SQL Server
            update.ExecuteNonQuery();
        }
    }

    private static void Add(IDbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    public override void Down()
    {
        // The folded text still finds what it found before; nothing to undo.
    }
}

using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lms.Grains.Data;
using Lms.Grains.Privacy;
using Lms.Server.Exports;

namespace Lms.Server.Privacy;

/// <summary>
/// A person's copy of their data (Decree 13/2023/NĐ-CP, art. 14) as a zip: data.json with every table, one CSV file
/// per table worded and separated as Excel in the viewer's language opens it, and README.txt saying what each file is.
/// Written to temporary files one table at a time (memory bounded by the largest table of one person), then streamed.
/// </summary>
public sealed class DataCopy(Db db, PersonalDataSections sections, TimeProvider clock)
{
    /// <summary>Builds the zip in a temporary file; the stream deletes it when closed.</summary>
    public async Task<Stream> BuildAsync(Guid userId, ExportLanguage language, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), "lms-data-copy-" + Guid.NewGuid().ToString("N") + ".zip");
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
                await WriteAsync(zip, userId, language, cancellationToken);
            }
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private async Task WriteAsync(ZipArchive zip, Guid userId, ExportLanguage language, CancellationToken cancellationToken)
    {
        // A zip being written holds one open entry at a time: data.json grows in its own temporary file while each
        // table's CSV goes into the zip, and is copied in at the end.
        var jsonPath = Path.Combine(Path.GetTempPath(), "lms-data-copy-" + Guid.NewGuid().ToString("N") + ".json");
        await using var jsonFile = new FileStream(jsonPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        // Letters as they are ("Phạm", not "Ph\u1EA1m"): the file is read in a text editor, never put into a page.
        await using (var writer = new Utf8JsonWriter(jsonFile, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            await using var connection = await db.OpenAsync(cancellationToken);
            writer.WriteStartObject();
            writer.WriteString("generatedAt", clock.GetUtcNow().UtcDateTime);
            writer.WriteString("language", language.Code);
            foreach (var (name, sql) in PersonalDataSections.All)
            {
                var section = await sections.ReadAsync(connection, name, sql, userId, cancellationToken);
                WriteJson(writer, section);
                await writer.FlushAsync(cancellationToken);
                await WriteCsvAsync(zip, section, language, cancellationToken);
            }
            writer.WriteEndObject();
        }
        jsonFile.Position = 0;
        await using (var entry = zip.CreateEntry("data.json", CompressionLevel.Fastest).Open())
            await jsonFile.CopyToAsync(entry, cancellationToken);
        await using var readme = zip.CreateEntry("README.txt", CompressionLevel.Fastest).Open();
        await readme.WriteAsync(Encoding.UTF8.GetBytes(Readme(language)), cancellationToken);
    }

    /// <summary>The profile is one object; every other table a list of objects keyed by column.</summary>
    private static void WriteJson(Utf8JsonWriter writer, DataSection section)
    {
        writer.WritePropertyName(JsonNamingPolicy.CamelCase.ConvertName(ToPascal(section.Name)));
        if (section.Name == "profile")
        {
            if (section.Rows.Count == 0) writer.WriteNullValue();
            else WriteRow(writer, section.Columns, section.Rows[0]);
            return;
        }
        writer.WriteStartArray();
        foreach (var row in section.Rows) WriteRow(writer, section.Columns, row);
        writer.WriteEndArray();
    }

    private static void WriteRow(Utf8JsonWriter writer, IReadOnlyList<string> columns, object?[] row)
    {
        writer.WriteStartObject();
        for (var i = 0; i < columns.Count; i++)
        {
            writer.WritePropertyName(JsonNamingPolicy.CamelCase.ConvertName(ToPascal(columns[i])));
            JsonSerializer.Serialize(writer, row[i]);
        }
        writer.WriteEndObject();
    }

    private static string ToPascal(string snake) =>
        string.Concat(snake.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    private static async Task WriteCsvAsync(ZipArchive zip, DataSection section, ExportLanguage language, CancellationToken cancellationToken)
    {
        var headers = section.Columns.Select(c => language.Text("privacy.column." + c)).ToList();
        var rows = section.Rows.Select(r => (IReadOnlyList<object?>)r.Select(Cell).ToList()).ToList();
        var bytes = TableExport.Csv([new ExportTable(section.Name, headers, rows)], language);
        var entry = zip.CreateEntry(section.Name + ".csv", CompressionLevel.Fastest);
        await using var stream = entry.Open();
        await stream.WriteAsync(bytes, cancellationToken);
    }

    /// <summary>CSV cells as the export writes them: numbers as numbers in the viewer's notation, anything else as text.</summary>
    private static object? Cell(object? value) => value switch
    {
        long n when n is >= int.MinValue and <= int.MaxValue => (int)n,
        double or int or null => value,
        bool b => b ? 1 : 0,
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Readme(ExportLanguage language)
    {
        var text = new StringBuilder(language.Text("privacy.readme.intro")).Append("\r\n\r\n");
        text.Append("data.json: ").Append(language.Text("privacy.readme.json")).Append("\r\n");
        foreach (var (name, _) in PersonalDataSections.All)
            text.Append(name).Append(".csv: ").Append(language.Text("privacy.readme." + name)).Append("\r\n");
        return text.Append("\r\n").Append(language.Text("privacy.readme.csv")).Append("\r\n").ToString();
    }
}

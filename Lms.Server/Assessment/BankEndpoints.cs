using System.ComponentModel.DataAnnotations;
using System.Text;
using Lms.Grains.Assessment;
using Lms.Grains.Data;
using Lms.Server.Exports;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lms.Server.Assessment;

public sealed record QuestionRequest(
    [property: Required, StringLength(200, MinimumLength = 1)] string Title,
    [property: StringLength(100)] string? Subject,
    [property: StringLength(50)] string? Level,
    IReadOnlyList<string>? Tags,
    [property: Range(1, 5)] int Difficulty,
    bool Shared,
    [property: Required] QuestionContent Content);

public sealed record QuestionSummary(
    Guid Id, Guid InstitutionId, string InstitutionName, string Type, string Title, string? Subject, string? Level,
    IReadOnlyList<string> Tags, int Difficulty, bool Shared, int Version, DateTimeOffset UpdatedAt);

public sealed record QuestionDetail(QuestionSummary Summary, QuestionContent Content, bool CanEdit);

public sealed record ImportOutcome(int Imported, IReadOnlyList<Guid> Ids);

public static class BankEndpoints
{
    public const long MaxImportBytes = 20 * 1024 * 1024;

    public static void MapBankEndpoints(this RouteGroupBuilder api)
    {
        var bank = api.MapGroup("/institutions/{institutionId:guid}/questions").ProducesProblems(404).WithTags("Question bank");
        bank.MapGet("", Search).ProducesProblems(403).WithSummary("Search the bank: the institution's questions and those others share.");
        bank.MapGet("/tags", Tags).ProducesProblems(403).WithSummary("Every tag in use.");
        bank.MapPost("", Create).ProducesProblems(403, 400).WithSummary("Add a question (its HTML is sanitised).");
        bank.MapPost("/import", Import).ProducesProblems(403).DisableAntiforgery()
            .WithSummary("Import a Moodle GIFT file or a QTI 2.1 item or package: all of it, or nothing with each problem named.");
        bank.MapGet("/export", Export).ProducesProblems(403, 400)
            .WithSummary("Export questions as a QTI 2.1 content package (zip), or as a GIFT file (format=gift) that Moodle imports.");

        var question = api.MapGroup("/questions/{questionId:guid}").ProducesProblems(404).WithTags("Question bank");
        question.MapGet("", Get).WithSummary("A question with its content (right answers included: teachers only).");
        question.MapPut("", Update).ProducesProblems(403, 400).WithSummary("Edit a question; attempts that used it keep the version they saw.");
        question.MapDelete("", Delete).ProducesProblems(403).WithSummary("Remove a question from the bank.");
    }

    public static QuestionSummary Summary(QuestionRow q) => new(q.Id, q.InstitutionId, q.InstitutionName, q.Type, q.Title, q.Subject, q.Level,
        q.TagList, q.Difficulty, q.Shared, q.CurrentVersion, q.UpdatedAt);

    private static async Task<Page<QuestionSummary>> Search(
        Guid institutionId, string? q, string? type, string? subject, string? level, string? tag, int? minDifficulty, int? maxDifficulty,
        bool? shared, int? skip, int? take, HttpContext http, AssessmentAccess access, QuestionRepository repo)
    {
        await access.BankAsync(http.User, institutionId);
        var page = await repo.SearchAsync(institutionId,
            new BankFilter(q, type, subject, level, tag, minDifficulty, maxDifficulty, shared ?? true), PageRequest.Of(skip, take));
        return new Page<QuestionSummary>(page.Items.Select(Summary).ToList(), page.Total, page.Skip, page.Take);
    }

    private static async Task<IReadOnlyList<string>> Tags(Guid institutionId, HttpContext http, AssessmentAccess access, QuestionRepository repo)
    {
        await access.BankAsync(http.User, institutionId);
        return await repo.TagsAsync(institutionId);
    }

    /// <summary>Normalised, sanitised and checked; a 400 naming the problems otherwise.</summary>
    public static QuestionDraft Check(QuestionRequest request)
    {
        if (!QuestionTypes.All.Contains(request.Content.Type?.Trim().ToLowerInvariant() ?? ""))
            throw ProblemException.Invalid("content.type", $"A question's type is one of: {string.Join(", ", QuestionTypes.All)}.");
        var content = QuestionSanitizer.Clean(QuestionRules.Normalise(request.Content));
        var problems = QuestionRules.Problems(content);
        if (problems.Count > 0) throw ProblemException.Invalid("content", string.Join("; ", problems) + ".");
        return new QuestionDraft(new QuestionMeta
        {
            Title = request.Title.Trim(), Subject = request.Subject, Level = request.Level, Tags = request.Tags ?? [],
            Difficulty = request.Difficulty == 0 ? 3 : request.Difficulty, Shared = request.Shared,
        }, content);
    }

    private static async Task<Created<QuestionDetail>> Create(
        Guid institutionId, QuestionRequest request, HttpContext http, AssessmentAccess access, QuestionRepository repo)
    {
        await access.BankAsync(http.User, institutionId);
        var draft = Check(request);
        var id = (await repo.CreateManyAsync(institutionId, http.User.Id(), [draft]))[0];
        var row = (await repo.GetAsync(id))!;
        return TypedResults.Created($"/api/questions/{id}", new QuestionDetail(Summary(row), await repo.ContentAsync(id, row.CurrentVersion), true));
    }

    private static async Task<QuestionDetail> Get(Guid questionId, HttpContext http, AssessmentAccess access, QuestionRepository repo)
    {
        var (row, canEdit) = await access.QuestionAsync(http.User, questionId);
        return new QuestionDetail(Summary(row), await repo.ContentAsync(row.Id, row.CurrentVersion), canEdit);
    }

    private static async Task<QuestionDetail> Update(
        Guid questionId, QuestionRequest request, HttpContext http, AssessmentAccess access, QuestionRepository repo)
    {
        var (row, canEdit) = await access.QuestionAsync(http.User, questionId);
        if (!canEdit) throw ProblemException.Forbidden("A shared question is edited by the institution that owns it.");
        var draft = Check(request);
        var version = await repo.UpdateAsync(row, draft);
        var updated = (await repo.GetAsync(questionId))!;
        return new QuestionDetail(Summary(updated), await repo.ContentAsync(questionId, version), true);
    }

    private static async Task<NoContent> Delete(Guid questionId, HttpContext http, AssessmentAccess access, QuestionRepository repo)
    {
        var (row, canEdit) = await access.QuestionAsync(http.User, questionId);
        if (!canEdit) throw ProblemException.Forbidden("A shared question is removed by the institution that owns it.");
        await repo.DeleteAsync(row.Id);
        return TypedResults.NoContent();
    }

    private static async Task<ImportOutcome> Import(
        Guid institutionId, string? format, string? tags, HttpContext http, AssessmentAccess access, QuestionRepository repo,
        IOptions<AssessmentOptions> options)
    {
        await access.BankAsync(http.User, institutionId);
        var (bytes, fileName) = await ReadUploadAsync(http);
        var kind = (format ?? "").Trim().ToLowerInvariant();
        if (kind.Length == 0)
            kind = fileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)
                   || (bytes.Length > 1 && bytes[0] == 'P' && bytes[1] == 'K') || LooksLikeXml(bytes) ? "qti" : "gift";
        var result = kind switch
        {
            "gift" => GiftFormat.Parse(System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF')),
            "qti" => QtiFormat.Parse(bytes, options.Value.Qti),
            _ => throw ProblemException.Invalid("format", "The format is gift or qti."),
        };
        if (!result.Ok)
            throw new ProblemException(StatusCodes.Status400BadRequest, ProblemTypes.ImportInvalid,
                "Nothing was imported: the file has questions that cannot be used.",
                string.Join(" ", result.Problems.Select(p => $"Question {p.Number} ({p.Question}): {p.Reason}.")),
                new Dictionary<string, object?> { ["problems"] = result.Problems });
        var extraTags = (tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var drafts = result.Questions.Select(d => d with
        {
            Meta = d.Meta with { Tags = d.Meta.Tags.Concat(extraTags).ToList() },
            Content = QuestionSanitizer.Clean(d.Content),
        }).ToList();
        var ids = await repo.CreateManyAsync(institutionId, http.User.Id(), drafts);
        return new ImportOutcome(ids.Count, ids);
    }

    private static bool LooksLikeXml(byte[] bytes)
    {
        var start = System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 200)).TrimStart('\uFEFF', ' ', '\n', '\r', '\t');
        return start.StartsWith('<');
    }

    private static async Task<(byte[] Bytes, string Name)> ReadUploadAsync(HttpContext http)
    {
        if (http.Request.ContentLength > MaxImportBytes)
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge, "The file is too large.");
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync();
            var file = form.Files.FirstOrDefault() ?? throw ProblemException.Invalid("file", "Attach the file to import.");
            if (file.Length > MaxImportBytes) throw new ProblemException(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge, "The file is too large.");
            using var ms = new MemoryStream();
            await file.CopyToAsync(ms);
            return (ms.ToArray(), file.FileName);
        }
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        if (body.Length == 0) throw ProblemException.Invalid("file", "Attach the file to import.");
        if (body.Length > MaxImportBytes) throw new ProblemException(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge, "The file is too large.");
        return (body.ToArray(), "");
    }

    private static async Task<FileContentHttpResult> Export(
        Guid institutionId, string? ids, string? q, string? tag, string? format, HttpContext http, AssessmentAccess access, QuestionRepository repo)
    {
        await access.BankAsync(http.User, institutionId);
        if (format is not (null or "qti" or "gift")) throw ProblemException.Invalid("format", "The format is qti or gift.", "export-format", format);
        List<QuestionRow> rows;
        if (!string.IsNullOrWhiteSpace(ids))
        {
            rows = [];
            foreach (var part in ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Guid.TryParse(part, out var id)) throw ProblemException.Invalid("ids", $"\"{part}\" is not a question id.");
                var row = await repo.GetAsync(id) ?? throw ProblemException.NotFound("A question");
                if (row.InstitutionId != institutionId && !row.Shared) throw ProblemException.NotFound("A question");
                rows.Add(row);
            }
        }
        else
        {
            rows = (await repo.SearchAsync(institutionId, new BankFilter(q, Tag: tag, IncludeShared: false), new PageRequest(0, 10_000))).Items.ToList();
        }
        var items = new List<QtiFormat.ExportItem>();
        foreach (var row in rows)
            items.Add(new QtiFormat.ExportItem(row.Id, row.Meta, await repo.ContentAsync(row.Id, row.CurrentVersion)));
        if (format == "gift") return Gift(items, ExportLanguage.Of(http.Request));
        return TypedResults.File(QtiFormat.ExportPackage(items), "application/zip", "questions-qti21.zip");
    }

    /// <summary>The GIFT file, opened by comment lines in the reader's language that name what GIFT cannot say.</summary>
    private static FileContentHttpResult Gift(IEnumerable<QtiFormat.ExportItem> items, ExportLanguage language)
    {
        var export = GiftFormat.Write(items.Select(i => new QuestionDraft(i.Meta, i.Content)));
        var text = new StringBuilder();
        text.Append("// ").Append(language.Text("gift.header")).Append('\n');
        foreach (var skipped in export.Skipped)
            text.Append("// ").Append(language.Text("gift.skipped", ("title", skipped.Meta.Title),
                ("type", language.Text("questionType." + skipped.Content.Type)))).Append('\n');
        text.Append('\n').Append(export.Text);
        return TypedResults.File(new UTF8Encoding(false).GetBytes(text.ToString()), "text/plain; charset=utf-8",
            language.Text("gift.file") + ".gift.txt");
    }
}

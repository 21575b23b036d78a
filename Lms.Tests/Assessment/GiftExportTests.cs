using System.Text.Json;
using Lms.Grains.Assessment;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Assessment;

/// <summary>gift-pegjs, an independent GIFT parser (the grammar of Moodle's format as a PEG), from npm.</summary>
public sealed class GiftPegjs() : NpmPackage("gift-pegjs", "1.0.2");

/// <summary>
/// The bank's questions written as GIFT: read back by our import with nothing lost that GIFT can say, read by an
/// independent parser as the same questions, and the category line that puts them under their subject and grade.
/// </summary>
public sealed class GiftExportTests(GiftPegjs gift) : IClassFixture<GiftPegjs>
{
    private static IReadOnlyList<QuestionDraft> EveryType()
    {
        var fromGift = GiftFormat.Parse(File.ReadAllText(ImportTests.Sample("valid.gift"))).Questions;
        var fromQti = QtiFormat.Parse(ImportTests.Package("order.xml", "cloze.xml")).Questions;
        return fromGift.Concat(fromQti).Select((d, i) => d with
        {
            Meta = d.Meta with { Subject = "Toán", Level = i % 2 == 0 ? "Lớp 10" : "Lớp 11", Tags = ["Hàm số"] },
            Content = QuestionSanitizer.Clean(d.Content),
        }).ToList();
    }

    [Fact]
    public void Every_type_gift_can_say_comes_back_from_an_export_with_its_answers_subject_and_grade_and_the_others_are_named()
    {
        var all = EveryType();
        var export = GiftFormat.Write(all);

        Assert.Equal([QuestionTypes.Ordering, QuestionTypes.Cloze], export.Skipped.Select(q => q.Content.Type).Order().Reverse());
        var back = GiftFormat.Parse(export.Text);
        Assert.True(back.Ok, string.Join("; ", back.Problems.Select(p => $"{p.Question}: {p.Reason}")));
        var expressible = all.Where(q => !GiftFormat.Inexpressible.Contains(q.Content.Type)).ToDictionary(q => q.Meta.Title);
        Assert.Equal(expressible.Keys.Order(), back.Questions.Select(q => q.Meta.Title).Order());
        foreach (var after in back.Questions)
        {
            var before = expressible[after.Meta.Title];
            Assert.Equal(before.Content.Type, after.Content.Type);
            Assert.Equal(before.Content.Stem, QuestionSanitizer.Clean(after.Content).Stem);
            Assert.Equal(Grader.RightAnswer(before.Content), Grader.RightAnswer(after.Content));
            Assert.Equal(before.Content.GeneralFeedback, after.Content.GeneralFeedback);
            Assert.Equal((before.Meta.Subject, before.Meta.Level, before.Meta.Tags[0]), (after.Meta.Subject, after.Meta.Level, Assert.Single(after.Meta.Tags)));
        }
        // Feedback on each answer and partial credit survive too.
        Assert.Equal(expressible["Đỉnh parabol"].Content.Choices, back.Questions.Single(q => q.Meta.Title == "Đỉnh parabol").Content.Choices);
        Assert.Equal(expressible["Nghiệm"].Content.Choices, back.Questions.Single(q => q.Meta.Title == "Nghiệm").Content.Choices);
    }

    [Fact]
    public async Task An_independent_gift_parser_reads_the_export_as_the_same_questions_in_the_same_categories()
    {
        var all = EveryType().Where(q => !GiftFormat.Inexpressible.Contains(q.Content.Type)).ToList();
        var file = Path.Combine(gift.Folder, $"export-{Guid.NewGuid():N}.gift");
        await File.WriteAllTextAsync(file, GiftFormat.Write(all).Text);
        var output = await gift.NodeAsync("""
            import { readFileSync } from 'node:fs';
            import gift from 'gift-pegjs';
            const parsed = gift.parse(readFileSync(process.argv[2], 'utf8'));
            console.log(JSON.stringify(parsed.map(q => ({ type: q.type, title: q.title ?? null, stem: q.stem?.text ?? null,
              format: q.stem?.format ?? null, right: (q.choices ?? []).filter(c => c.isCorrect || (c.weight ?? 0) > 0).length }))));
            """, file);
        var parsed = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();

        var categories = parsed.Where(q => q.GetProperty("type").GetString() == "Category").Select(q => q.GetProperty("title").GetString()).ToList();
        Assert.Equal(["$course$/Toán/Lớp 10/Hàm số", "$course$/Toán/Lớp 11/Hàm số"], categories);
        var questions = parsed.Where(q => q.GetProperty("type").GetString() != "Category").ToDictionary(q => q.GetProperty("title").GetString()!);
        Assert.Equal(all.Select(q => q.Meta.Title).Order(), questions.Keys.Order());
        var theirType = new Dictionary<string, string>
        {
            [QuestionTypes.Single] = "MC", [QuestionTypes.Multiple] = "MC", [QuestionTypes.TrueFalse] = "TF", [QuestionTypes.Short] = "Short",
            [QuestionTypes.Numerical] = "Numerical", [QuestionTypes.Matching] = "Matching", [QuestionTypes.Essay] = "Essay",
        };
        foreach (var ours in all)
        {
            var theirs = questions[ours.Meta.Title];
            Assert.Equal(theirType[ours.Content.Type], theirs.GetProperty("type").GetString());
            Assert.Equal("html", theirs.GetProperty("format").GetString());
            Assert.Equal(ours.Content.Stem, theirs.GetProperty("stem").GetString());
            if (ours.Content.Choices is { } choices)
                Assert.Equal(choices.Count(c => c.Fraction > 0), theirs.GetProperty("right").GetInt32());
        }
    }

    [Theory]
    [InlineData("$course$/Toán/Lớp 10/Hàm số", "Toán", "Lớp 10", "Hàm số")]
    [InlineData("$course$/Toán 10/Hàm số bậc hai", "Toán", "Lớp 10", "Hàm số bậc hai")]
    [InlineData("$system$/top/Ngữ văn/Khối 12", "Ngữ văn", "Khối 12", null)]
    [InlineData("$course$/Default for Vật lí 11/Grade 11/Dao động", "Dao động", "Grade 11", null)]
    [InlineData("Tiếng Anh 6", "Tiếng Anh", "Lớp 6", null)]
    [InlineData("$course$/Hình học", "Hình học", null, null)]
    [InlineData("$course$/Lớp 10/Toán", "Toán", "Lớp 10", null)]
    public void A_category_line_names_the_subject_the_grade_and_the_topic(string path, string? subject, string? level, string? tag)
    {
        var questions = GiftFormat.Parse($"$CATEGORY: {path}\n\n::Q::Một câu hỏi? {{T}}\n").Questions;

        var meta = Assert.Single(questions).Meta;
        Assert.Equal((subject, level), (meta.Subject, meta.Level));
        Assert.Equal(tag is null ? [] : [tag], meta.Tags);
    }

    [Fact]
    public void A_backslash_before_n_in_math_stays_a_backslash_and_a_written_line_break_is_one()
    {
        var question = Assert.Single(GiftFormat.Parse("::Q::[html]\\\\(x \\\\neq 1\\\\) dòng một\\ndòng hai {T}\n").Questions);

        Assert.Equal("\\(x \\neq 1\\) dòng một\ndòng hai", question.Content.Stem);
    }
}

using System.IO.Compression;
using Lms.Grains.Assessment;

namespace Lms.Tests.Assessment;

/// <summary>GIFT and QTI 2.1 files, good and broken (the samples are in Assessment/Samples).</summary>
public sealed class ImportTests
{
    public static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "Assessment", "Samples", name);

    [Fact]
    public void A_gift_file_imports_every_type_it_can_express()
    {
        var result = GiftFormat.Parse(File.ReadAllText(Sample("valid.gift")));

        Assert.True(result.Ok, string.Join("; ", result.Problems.Select(p => $"{p.Question}: {p.Reason}")));
        var byTitle = result.Questions.ToDictionary(q => q.Meta.Title);
        Assert.Equal(10, result.Questions.Count);
        Assert.Equal(QuestionTypes.Single, byTitle["Đỉnh parabol"].Content.Type);
        Assert.Equal("x = -b/(2a).", byTitle["Đỉnh parabol"].Content.GeneralFeedback);
        Assert.Equal("Đúng: x = -b/2a = 2.", byTitle["Đỉnh parabol"].Content.Choices![0].Feedback);
        Assert.Equal(QuestionTypes.Multiple, byTitle["Nghiệm"].Content.Type);
        Assert.Equal(QuestionTypes.TrueFalse, byTitle["Đồng biến"].Content.Type);
        Assert.Equal(QuestionTypes.Short, byTitle["Tên gọi"].Content.Type);
        Assert.Equal(2, byTitle["Tên gọi"].Content.Accepted!.Count);
        Assert.Equal(QuestionTypes.Numerical, byTitle["Giá trị"].Content.Type);
        Assert.Equal(1.5, byTitle["Khoảng"].Content.Numbers![0].Value);
        Assert.Equal(0.5, byTitle["Khoảng"].Content.Numbers![0].Tolerance);
        Assert.Equal(QuestionTypes.Matching, byTitle["Ghép"].Content.Type);
        Assert.Equal(3, byTitle["Ghép"].Content.Pairs!.Count);
        Assert.Equal(QuestionTypes.Essay, byTitle["Bài luận"].Content.Type);
        Assert.Contains("_____", byTitle["Điền khuyết"].Content.Stem);
        Assert.Contains("a=b", byTitle["Thoát ký tự"].Content.Stem);
        Assert.Contains("{x}", byTitle["Thoát ký tự"].Content.Stem);
        Assert.All(result.Questions, q => Assert.Equal(["Hàm số bậc hai"], q.Meta.Tags));
        // And each is graded as GIFT meant it.
        Assert.Equal(1, Grader.Grade(byTitle["Nghiệm"].Content, new QuestionResponse { Choices = ["a", "b"] }).Fraction);
        Assert.Equal(1, Grader.Grade(byTitle["Tên gọi"].Content, new QuestionResponse { Text = "Đường Parabol" }).Fraction);
        Assert.Equal(1, Grader.Grade(byTitle["Ghép"].Content, new QuestionResponse
        {
            Pairs = new Dictionary<string, string> { ["p1"] = "hệ số bậc hai", ["p2"] = "hệ số bậc nhất", ["p3"] = "hệ số tự do" },
        }).Fraction);
    }

    [Fact]
    public void A_gift_file_with_broken_questions_imports_nothing_and_names_each()
    {
        var result = GiftFormat.Parse(File.ReadAllText(Sample("broken.gift")));

        Assert.False(result.Ok);
        Assert.Empty(result.Questions);
        Assert.Equal(["Không đóng", "Không đúng", "Số hỏng", "Ghép thiếu"], result.Problems.Select(p => p.Question));
        Assert.Contains("not closed", result.Problems[0].Reason);
        Assert.Contains("no answer is marked right", result.Problems[1].Reason);
        Assert.Contains("\"mười\" is not a number", result.Problems[2].Reason);
        // Beside the English, a stable code and its parameters, which the web app words in the reader's language.
        // The last one reads as GIFT but breaks a question rule (QuestionRules), which has its code too.
        Assert.Equal(["answer-block-unclosed", "no-right-answer", "not-a-number", "matching-needs-two-pairs"], result.Problems.Select(p => p.Code));
        Assert.Equal("a matching question needs at least two pairs", result.Problems[3].Reason);
        Assert.Equal("mười", result.Problems[2].Args!["value"]);
        Assert.Equal("no-questions", Assert.Single(GiftFormat.Parse("// only a comment").Problems).Code);
    }

    internal static byte[] Package(params string[] files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var manifest = "<manifest xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\" identifier=\"m\"><organizations/><resources>" +
                           string.Concat(files.Select(f => $"<resource identifier=\"{f}\" type=\"imsqti_item_xmlv2p1\" href=\"{f}\"/>")) +
                           "</resources></manifest>";
            using (var w = new StreamWriter(zip.CreateEntry("imsmanifest.xml").Open())) w.Write(manifest);
            foreach (var f in files)
                using (var w = new StreamWriter(zip.CreateEntry(f).Open())) w.Write(File.ReadAllText(Sample(f)));
        }
        return buffer.ToArray();
    }

    [Fact]
    public void A_qti_package_imports_choice_order_match_cloze_and_numeric_items()
    {
        var result = QtiFormat.Parse(Package("single.xml", "order.xml", "match.xml", "cloze.xml", "essay-numeric-multi.xml"));

        Assert.True(result.Ok, string.Join("; ", result.Problems.Select(p => $"{p.Question}: {p.Reason}")));
        var q = result.Questions.ToDictionary(x => x.Meta.Title, x => x.Content);
        Assert.Equal(QuestionTypes.Single, q["Thủ đô"].Type);
        Assert.Contains("<b>thành phố</b>", q["Thủ đô"].Stem);
        Assert.Equal(1, Grader.Grade(q["Thủ đô"], new QuestionResponse { Choice = "B" }).Fraction);
        Assert.Equal(QuestionTypes.Ordering, q["Thứ tự triều đại"].Type);
        Assert.Equal(["LY", "TRAN", "LE"], q["Thứ tự triều đại"].Items!.Select(i => i.Id));
        Assert.Contains("Sắp xếp", q["Thứ tự triều đại"].Stem);
        Assert.Equal(QuestionTypes.Matching, q["Ghép tỉnh"].Type);
        Assert.Equal(["Tây Nguyên"], q["Ghép tỉnh"].Distractors);
        Assert.Equal(QuestionTypes.Cloze, q["Điền từ"].Type);
        Assert.Equal(3, q["Điền từ"].Blanks!.Count);
        Assert.Contains("[[2]]", q["Điền từ"].Stem);
        Assert.Equal(1, Grader.Grade(q["Điền từ"], new QuestionResponse
        {
            Blanks = new Dictionary<string, string> { ["1"] = "hồng", ["2"] = "BAC", ["3"] = "1010" },
        }).Fraction);
        Assert.Equal(QuestionTypes.Numerical, q["Số pi"].Type);
        Assert.Equal(0.01, q["Số pi"].Numbers![0].Tolerance);
    }

    [Fact]
    public void A_broken_qti_item_imports_nothing_and_says_why()
    {
        var result = QtiFormat.Parse(Package("single.xml", "broken.xml"));

        Assert.Empty(result.Questions);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("Câu hỏng", problem.Question);
        Assert.Contains("Z", problem.Reason);
        Assert.Equal("qti-unknown-choice", problem.Code);
        Assert.Equal("Z", problem.Args!["id"]);

        var notXml = QtiFormat.Parse("<assessmentItem><itemBody>"u8.ToArray());
        Assert.False(notXml.Ok);
        // The XML reader's own message stays English, as the detail of a code the app words.
        Assert.Equal("qti-unreadable", Assert.Single(notXml.Problems).Code);
        Assert.False(string.IsNullOrEmpty(notXml.Problems[0].Args!["detail"]));
    }

    [Fact]
    public void Every_reason_of_the_question_rules_has_a_code_and_the_parameters_its_wording_needs()
    {
        var cloze = new QuestionContent
        {
            Type = QuestionTypes.Cloze, Stem = "Thủ đô là [[1]] và [[9]].",
            Blanks = [new Blank { Id = "1", Kind = BlankKinds.Text }, new Blank { Id = "2", Kind = "drawing", Accepted = [new AcceptedAnswer { Text = "x", Fraction = 1 }] }],
        };

        var issues = QuestionRules.Issues(cloze);

        Assert.Equal(["blank-no-answer", "blank-not-marked", "blank-unknown-kind", "marker-without-blank"], issues.Select(i => i.Code));
        Assert.Equal("1", issues[0].Args["blank"]);
        Assert.Equal(new Dictionary<string, string> { ["blank"] = "2", ["kind"] = "drawing" }, issues[2].Args);
        Assert.Equal("9", issues[3].Args["blank"]);
        // The English stays beside each code, for API clients and the logs.
        Assert.Equal(issues.Select(i => i.Message), QuestionRules.Problems(cloze));
        Assert.Equal("unknown-type", Assert.Single(QuestionRules.Issues(new QuestionContent { Type = "drawing", Stem = "?" })).Code);
    }

    [Fact]
    public void Every_type_survives_a_qti_export_and_import()
    {
        var gift = GiftFormat.Parse(File.ReadAllText(Sample("valid.gift"))).Questions;
        var qti = QtiFormat.Parse(Package("order.xml", "cloze.xml")).Questions;
        var all = gift.Concat(qti).Select(d => new QtiFormat.ExportItem(Guid.CreateVersion7(), d.Meta, QuestionSanitizer.Clean(d.Content))).ToList();

        var back = QtiFormat.Parse(QtiFormat.ExportPackage(all));

        Assert.True(back.Ok, string.Join("; ", back.Problems.Select(p => $"{p.Question}: {p.Reason}")));
        Assert.Equal(all.Count, back.Questions.Count);
        for (var i = 0; i < all.Count; i++)
        {
            var before = all[i].Content;
            var after = back.Questions[i].Content;
            Assert.Equal(before.Type, after.Type);
            Assert.Equal(all[i].Meta.Title, back.Questions[i].Meta.Title);
            Assert.Equal(Grader.RightAnswer(before), Grader.RightAnswer(after));
        }
    }
}

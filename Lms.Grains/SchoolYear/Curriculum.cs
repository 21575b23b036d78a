namespace Lms.Grains.SchoolYear;

/// <summary>How a subject is assessed (Circular 22/2021/TT-BGDĐT, article 5).</summary>
public static class SubjectAssessments
{
    /// <summary>By comment and by score (0-10, one decimal): every subject of the 2018 curriculum except those below.</summary>
    public const string Scored = "scored";

    /// <summary>By comment only, rated Đạt / Chưa đạt: GDTC, Nghệ thuật, Âm nhạc, Mĩ thuật, GDĐP, HĐTN-HN.</summary>
    public const string CommentOnly = "comment";

    public static bool IsKnown(string? value) => value is Scored or CommentOnly;
}

/// <summary>The school levels whose subjects the 2018 curriculum (Circular 32/2018/TT-BGDĐT) lists.</summary>
public static class SchoolLevels
{
    public const string LowerSecondary = "thcs";
    public const string UpperSecondary = "thpt";

    public static bool IsKnown(string? value) => value is LowerSecondary or UpperSecondary;
}

/// <summary>A subject of the curriculum: a stable code, its Vietnamese name, how it is assessed and its periods a year (35 weeks).</summary>
public sealed record CurriculumSubject(string Code, string Name, string Assessment, int PeriodsPerYear);

/// <summary>
/// The subjects of the 2018 general education curriculum (Circular 32/2018/TT-BGDĐT) a school starts from, with the
/// assessment Circular 22/2021 gives each. Lower secondary teaches science, and history with geography, as integrated
/// subjects; upper secondary has the compulsory subjects and the electives (a school keeps those it offers).
/// </summary>
public static class Curriculum
{
    private const string S = SubjectAssessments.Scored;
    private const string C = SubjectAssessments.CommentOnly;

    public static readonly IReadOnlyList<CurriculumSubject> LowerSecondary =
    [
        new("TOAN", "Toán", S, 140), new("VAN", "Ngữ văn", S, 140), new("ANH", "Tiếng Anh", S, 105),
        new("GDCD", "Giáo dục công dân", S, 35), new("LSDL", "Lịch sử và Địa lí", S, 105), new("KHTN", "Khoa học tự nhiên", S, 140),
        new("CN", "Công nghệ", S, 35), new("TIN", "Tin học", S, 35), new("GDTC", "Giáo dục thể chất", C, 70),
        new("NT", "Nghệ thuật", C, 70), new("HDTN", "Hoạt động trải nghiệm, hướng nghiệp", C, 105),
        new("GDDP", "Nội dung giáo dục của địa phương", C, 35),
    ];

    public static readonly IReadOnlyList<CurriculumSubject> UpperSecondary =
    [
        new("TOAN", "Toán", S, 105), new("VAN", "Ngữ văn", S, 105), new("ANH", "Tiếng Anh", S, 105), new("SU", "Lịch sử", S, 52),
        new("LY", "Vật lí", S, 70), new("HOA", "Hoá học", S, 70), new("SINH", "Sinh học", S, 70), new("DIA", "Địa lí", S, 70),
        new("KTPL", "Giáo dục kinh tế và pháp luật", S, 70), new("TIN", "Tin học", S, 70), new("CN", "Công nghệ", S, 70),
        new("QPAN", "Giáo dục quốc phòng và an ninh", S, 35), new("GDTC", "Giáo dục thể chất", C, 70),
        new("AN", "Âm nhạc", C, 70), new("MT", "Mĩ thuật", C, 70), new("HDTN", "Hoạt động trải nghiệm, hướng nghiệp", C, 105),
        new("GDDP", "Nội dung giáo dục của địa phương", C, 35),
    ];

    public static IReadOnlyList<CurriculumSubject> Of(string level) =>
        level == SchoolLevels.LowerSecondary ? LowerSecondary : UpperSecondary;
}

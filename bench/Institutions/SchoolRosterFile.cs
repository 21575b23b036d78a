using System.Text;

namespace Lms.Bench.Institutions;

/// <summary>A problem planted in a generated roster: the line the import must name, its code, and the other line of a duplicate.</summary>
public sealed record PlantedProblem(int Line, string Code, int? OtherLine = null);

/// <summary>
/// A secondary school's roster as Excel exports it at the start of a year (shared by the roster tests and
/// <c>./build.sh bench roster</c>): a BOM, semicolons, Vietnamese headers (one of them decomposed, NFD), extra
/// columns (STT, Ngày sinh, Giới tính), empty ";;;;" rows, names typed decomposed or with double spaces, class
/// names in either case. 12-digit national IDs that start with zeros. With <c>mistakes</c>, rows Excel or a
/// hurried secretary spoiled, each listed in <see cref="Planted"/>.
/// </summary>
public sealed class SchoolRosterFile
{
    public string Text { get; }
    public int Rows { get; }
    public int Students { get; }
    public IReadOnlyList<PlantedProblem> Planted { get; }

    /// <summary>People who sign in with a printed slip: students and parents without an e-mail.</summary>
    public int WithoutEmail { get; }

    private static readonly string[] Surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
    private static readonly string[] Middles = ["Văn", "Thị", "Hữu", "Đình", "Minh", "Ngọc", "Thanh", "Quốc", "Hồng", "Gia"];
    private static readonly string[] Givens = ["An", "Ân", "Bình", "Châu", "Dung", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Ngọc", "Phúc", "Quân", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"];

    private readonly string _idPrefix;

    /// <summary>The national ID of the <paramref name="index"/>-th student (from 0) or teacher.</summary>
    public string StudentId(int index) => _idPrefix + (20_000_000 + index).ToString("D8");
    public string TeacherId(int index) => _idPrefix + (10_000_000 + index).ToString("D8");

    /// <summary>
    /// The file's text with the row of the person with <paramref name="nationalId"/> changed by <paramref name="edit"/>,
    /// given its cells: 0 STT, 1 name, 2 role, 3 date of birth, 4 sex, 5 class, 6 e-mail, 7 ID, 8 children.
    /// </summary>
    public static string EditRow(string text, string nationalId, Action<string[]> edit)
    {
        var lines = text.Split("\r\n");
        var index = Array.FindIndex(lines, l => l.Split(';') is { Length: > 7 } cells && cells[7] == nationalId);
        if (index < 1) throw new ArgumentException($"No row with the ID {nationalId}.", nameof(nationalId));
        var row = lines[index].Split(';');
        edit(row);
        lines[index] = string.Join(';', row);
        return string.Join("\r\n", lines);
    }

    public SchoolRosterFile(int teachers = 90, int students = 1500, int classes = 36, int parents = 1200, bool mistakes = false, string idPrefix = "0012")
    {
        _idPrefix = idPrefix;
        var lines = new List<string> { "\uFEFF" + string.Join(';', "STT", "Họ và tên".Normalize(NormalizationForm.FormD), "Vai trò", "Ngày sinh",
            "Giới tính", "Lớp", "Email", "Mã định danh", "Phụ huynh của") };
        var planted = new List<PlantedProblem>();
        var rows = 0;
        var withoutEmail = 0;
        int Add(string name, string role, string? born, string? className, string? email, string? id, string? children)
        {
            if (rows > 0 && rows % 400 == 0) lines.Add(";;;;;;;;");
            rows++;
            lines.Add(string.Join(';', rows, name, role, born ?? "", rows % 2 == 0 ? "Nữ" : "Nam", className ?? "", email ?? "", id ?? "", children ?? ""));
            return lines.Count; // the line number, header = 1
        }
        string Name(int i)
        {
            var name = $"{Surnames[i % Surnames.Length]} {Middles[i / 7 % Middles.Length]} {Givens[i / 3 % Givens.Length]}";
            return (i % 5) switch
            {
                0 => name.Normalize(NormalizationForm.FormD), // typed on a Mac
                1 => name.Replace(" ", "  "),                 // double spaces
                _ => name,
            };
        }
        string Id(int person) => idPrefix + person.ToString("D8");

        for (var t = 0; t < teachers; t++)
        {
            var email = mistakes && t == 3 ? "gv3.truong.test" : $"gv{t}@truong.test";
            var line = Add(Name(t + 7), t % 10 == 0 ? "Giáo viên" : "giáo viên", null, null, email, Id(10_000_000 + t), null);
            if (mistakes && t == 3) planted.Add(new PlantedProblem(line, "invalid-email"));
        }
        var classNames = Enumerable.Range(0, classes).Select(c => $"{10 + c / 12}A{c % 12 + 1}").ToList();
        var studentIds = new List<string>();
        var spoiled = mistakes ? new HashSet<int> { 100, 101, 700, 702, 900 } : [];
        var firstOfPair = 0;
        for (var s = 0; s < students; s++)
        {
            var className = classNames[s % classes];
            if (s >= classes && s % 4 == 0) className = className.ToLowerInvariant(); // "10a1" is the "10A1" of an earlier row
            var id = Id(20_000_000 + s);
            var name = Name(s);
            var born = $"{1 + s % 28:D2}/{1 + s % 12:D2}/{2008 + s % 3}";
            if (mistakes && s == 100) id = id.TrimStart('0');                 // Excel dropped the zeros: 10 digits
            if (mistakes && s == 101) id = id[1..];                           // 11 digits
            if (mistakes && s == 700) { name = "Võ Đình Tâm"; className = "12A1"; id = Id(20_000_000 + 702); }
            if (mistakes && s == 702) { name = "Phạm Thị Ngọc"; className = "11A12"; }
            var line = Add(name, "Học sinh", born, className, null, id, null);
            if (mistakes && s is 100 or 101) planted.Add(new PlantedProblem(line, "id-leading-zeros-lost"));
            if (mistakes && s == 700) firstOfPair = line;
            if (mistakes && s == 702) planted.Add(new PlantedProblem(line, "same-id-different-person", firstOfPair));
            if (mistakes && s == 900) { lines[^1] = lines[^1].Replace(";Học sinh;", ";Hiệu trưởng;"); planted.Add(new PlantedProblem(line, "unknown-role")); }
            if (!spoiled.Contains(s)) studentIds.Add(id);
            withoutEmail++;
        }
        for (var p = 0; p < parents; p++)
        {
            // Most parents have one child here, some two (the first and the last of a class).
            var child = studentIds[p % studentIds.Count];
            var children = p % 10 == 0 ? $"{child},{studentIds[(p + studentIds.Count / 2) % studentIds.Count]}" : child;
            if (mistakes && p == 50) children = Id(99_000_000);
            var email = p % 2 == 0 ? $"ph{p}@gmail.test" : null;
            var line = Add(Name(p + 3), "Phụ huynh", null, null, email, Id(30_000_000 + p), children);
            if (mistakes && p == 50) planted.Add(new PlantedProblem(line, "unknown-student"));
            if (email is null) withoutEmail++;
        }
        Text = string.Join("\r\n", lines) + "\r\n";
        Rows = rows;
        Students = students;
        Planted = planted;
        WithoutEmail = withoutEmail;
    }
}

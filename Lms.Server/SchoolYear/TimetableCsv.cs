using System.Globalization;
using CsvHelper.Configuration;
using CsvHelper;
using Lms.Grains.Data;
using Lms.Grains.Institutions;

namespace Lms.Server.SchoolYear;

/// <summary>A row of a timetable file as written, before its class, subject and teacher are looked up.</summary>
public sealed record TimetableRow(int Line, string ClassName, int Weekday, int Period, string Subject, string Teacher, string? Room, bool Online);

/// <summary>
/// Reads a timetable file as a school's spreadsheet saves it: a header row (English or Vietnamese names), then one
/// period per row: class, day (Thứ 2 … Thứ 7, CN, or 2-7, or Mon … Sun), period 1-10, subject (code or name),
/// teacher (e-mail), room (text, or "online" for a period taught online). ',' ';' or tab between cells, UTF-8
/// with or without a BOM. Every problem of every row is reported at once, as a code with parameters.
/// </summary>
public static class TimetableCsv
{
    public const int MaxRows = 5000;

    public static readonly IReadOnlyList<string> Columns = ["class", "day", "period", "subject", "teacher", "room"];

    private static readonly Dictionary<string, string> ColumnAliases = Keyed(new Dictionary<string, string>
    {
        ["class"] = "class", ["lop"] = "class", ["lớp"] = "class",
        ["day"] = "day", ["thu"] = "day", ["thứ"] = "day", ["ngay"] = "day", ["ngày"] = "day",
        ["period"] = "period", ["tiet"] = "period", ["tiết"] = "period",
        ["subject"] = "subject", ["mon"] = "subject", ["môn"] = "subject", ["môn học"] = "subject",
        ["teacher"] = "teacher", ["giao_vien"] = "teacher", ["giáo viên"] = "teacher",
        ["room"] = "room", ["phong"] = "room", ["phòng"] = "room",
    });

    private static readonly Dictionary<string, int> Days = Keyed(new Dictionary<string, int>
    {
        ["2"] = 1, ["3"] = 2, ["4"] = 3, ["5"] = 4, ["6"] = 5, ["7"] = 6, ["cn"] = 7,
        ["thứ 2"] = 1, ["thứ 3"] = 2, ["thứ 4"] = 3, ["thứ 5"] = 4, ["thứ 6"] = 5, ["thứ 7"] = 6, ["chủ nhật"] = 7,
        ["thứ hai"] = 1, ["thứ ba"] = 2, ["thứ tư"] = 3, ["thứ năm"] = 4, ["thứ sáu"] = 5, ["thứ bảy"] = 6,
        ["t2"] = 1, ["t3"] = 2, ["t4"] = 3, ["t5"] = 4, ["t6"] = 5, ["t7"] = 6,
        ["mon"] = 1, ["tue"] = 2, ["wed"] = 3, ["thu"] = 4, ["fri"] = 5, ["sat"] = 6, ["sun"] = 7,
        ["monday"] = 1, ["tuesday"] = 2, ["wednesday"] = 3, ["thursday"] = 4, ["friday"] = 5, ["saturday"] = 6, ["sunday"] = 7,
    });

    /// <summary>What the room column says for a period taught online.</summary>
    private static readonly HashSet<string> OnlineWords = [PersonText.Key("online"), PersonText.Key("trực tuyến"), PersonText.Key("truc tuyen")];

    private static Dictionary<string, T> Keyed<T>(Dictionary<string, T> map) =>
        map.ToDictionary(p => PersonText.Key(p.Key), p => p.Value);

    public static (List<TimetableRow> Rows, List<RosterProblem> Problems) Parse(TextReader reader)
    {
        var rows = new List<TimetableRow>();
        var problems = new List<RosterProblem>();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectDelimiter = true, DetectDelimiterValues = [";", ",", "\t"], TrimOptions = TrimOptions.Trim,
            BadDataFound = null, MissingFieldFound = null, IgnoreBlankLines = true,
        };
        using var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null || csv.HeaderRecord.All(string.IsNullOrWhiteSpace))
        {
            problems.Add(Problem(1, "header", "missing-header", "The file is empty or has no header row."));
            return (rows, problems);
        }
        var columns = new Dictionary<string, int>();
        for (var i = 0; i < csv.HeaderRecord.Length; i++)
            if (ColumnAliases.TryGetValue(PersonText.Key(PersonText.Clean(csv.HeaderRecord[i])), out var canonical))
                columns.TryAdd(canonical, i);
        foreach (var required in Columns.Where(c => c != "room" && !columns.ContainsKey(c)))
            problems.Add(Problem(1, required, "missing-column", $"The column \"{required}\" is missing.", ("column", required)));
        if (problems.Count > 0) return (rows, problems);

        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var record = csv.Parser.Record ?? [];
            if (record.All(string.IsNullOrWhiteSpace)) continue;
            if (rows.Count + problems.Count >= MaxRows)
            {
                problems.Add(Problem(line, "file", "too-many-rows", $"A timetable may have at most {MaxRows} rows.", ("max", MaxRows.ToString())));
                break;
            }
            string Cell(string column) => columns.TryGetValue(column, out var i) && i < record.Length ? PersonText.Clean(record[i]) : "";
            var before = problems.Count;
            var className = Cell("class");
            if (className.Length == 0) problems.Add(Problem(line, "class", "missing-value", "The class is empty.", ("column", "class")));
            var dayText = Cell("day");
            if (!Days.TryGetValue(PersonText.Key(dayText), out var weekday))
                problems.Add(Problem(line, "day", "bad-day", $"\"{dayText}\" is not a day of the week (Thứ 2 … Thứ 7, CN).", ("value", dayText)));
            var periodText = Cell("period");
            if (!int.TryParse(periodText, NumberStyles.None, CultureInfo.InvariantCulture, out var period) || period is < 1 or > 10)
                problems.Add(Problem(line, "period", "bad-period", $"\"{periodText}\" is not a period from 1 to 10.", ("value", periodText)));
            var subject = Cell("subject");
            if (subject.Length == 0) problems.Add(Problem(line, "subject", "missing-value", "The subject is empty.", ("column", "subject")));
            var teacher = Cell("teacher");
            if (teacher.Length == 0) problems.Add(Problem(line, "teacher", "missing-value", "The teacher is empty.", ("column", "teacher")));
            var room = Cell("room");
            if (room.Length > 50) problems.Add(Problem(line, "room", "room-too-long", "A room has at most 50 characters.", ("max", "50")));
            var online = OnlineWords.Contains(PersonText.Key(room));
            if (problems.Count == before)
                rows.Add(new TimetableRow(line, className, weekday, period, subject, teacher, online || room.Length == 0 ? null : room, online));
        }
        if (rows.Count == 0 && problems.Count == 0) problems.Add(Problem(1, "file", "empty", "The file has a header but no periods."));
        return (rows, problems);
    }

    public static RosterProblem Problem(int line, string field, string code, string message, params (string Key, string Value)[] parameters) =>
        new(line, field, code, message) { Params = parameters.ToDictionary(p => p.Key, p => p.Value) };
}

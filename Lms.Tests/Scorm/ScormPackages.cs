using System.IO.Compression;
using System.Text;

namespace Lms.Tests.Scorm;

/// <summary>
/// SCORM packages the tests build to the specifications: a scored SCORM 1.2 lesson, a SCORM 2004 (4th edition) lesson
/// of two SCOs that keeps its place in location and suspend data, and packages a server must refuse.
/// </summary>
public static class ScormPackages
{
    // The standard's discovery walk: this window, then its parents, up to seven levels.
    private const string FindApi = """
        function findApi(name) {
          var w = window;
          for (var i = 0; i < 7 && w; i++) {
            try { if (w[name]) return w[name]; } catch (e) { }
            if (w === w.parent) break;
            w = w.parent;
          }
          return null;
        }
        """;

    private static string Page(string title, string body, string script) => $$"""
        <!doctype html>
        <html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{title}}</title></head>
        <body><main><h1>{{title}}</h1>{{body}}</main>
        <script>
        {{FindApi}}
        {{script}}
        </script></body></html>
        """;

    /// <summary>One scored SCO: answering sets the score (80 of 100), "passed" and the session time, then commits and finishes.</summary>
    public static byte[] Scorm12Scored() => Zip(new()
    {
        ["imsmanifest.xml"] = """
            <?xml version="1.0" encoding="UTF-8"?>
            <manifest identifier="toan-12" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
                      xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
              <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
              <organizations default="org">
                <organization identifier="org">
                  <title>Hàm số bậc hai (SCORM 1.2)</title>
                  <item identifier="bai1" identifierref="res1"><title>Bài kiểm tra nhanh</title><adlcp:masteryscore>50</adlcp:masteryscore></item>
                </organization>
              </organizations>
              <resources>
                <resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="sco/index.html">
                  <file href="sco/index.html"/>
                </resource>
              </resources>
            </manifest>
            """,
        ["sco/index.html"] = Page("Bài kiểm tra nhanh", """
            <p id="api">…</p><p id="origin"></p><p id="cookie"></p><p id="top"></p>
            <p>Đỉnh của parabol y = x² − 4x + 3 là điểm nào?</p>
            <button id="answer" type="button">Nộp bài: (2; −1)</button>
            <p id="done" hidden>Đã nộp bài</p>
            """, """
            var api = findApi('API');
            document.getElementById('api').textContent = api ? 'api-found' : 'api-missing';
            document.getElementById('origin').textContent = location.origin;
            document.getElementById('cookie').textContent = 'cookie=' + document.cookie;
            try { document.getElementById('top').textContent = 'top=' + window.top.document.title; }
            catch (e) { document.getElementById('top').textContent = 'top-blocked'; }
            api.LMSInitialize('');
            api.LMSSetValue('cmi.core.lesson_status', 'incomplete');
            document.getElementById('answer').onclick = function () {
              api.LMSSetValue('cmi.core.score.min', '0');
              api.LMSSetValue('cmi.core.score.max', '100');
              api.LMSSetValue('cmi.core.score.raw', '80');
              api.LMSSetValue('cmi.core.lesson_status', 'passed');
              api.LMSSetValue('cmi.core.session_time', '00:03:20');
              api.LMSCommit('');
              api.LMSFinish('');
              document.getElementById('done').hidden = false;
            };
            """),
    });

    /// <summary>
    /// Two SCOs. The first has three pages; it keeps the page in cmi.location and what was answered in cmi.suspend_data,
    /// shows what it resumed from, and suspends on each page turn; its last page completes it. The second completes at once.
    /// </summary>
    public static byte[] Scorm2004MultiSco() => Zip(new()
    {
        ["imsmanifest.xml"] = """
            <?xml version="1.0" encoding="UTF-8"?>
            <manifest identifier="ly-2004" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
                      xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
              <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
              <organizations default="org">
                <organization identifier="org">
                  <title>Chuyển động thẳng đều (SCORM 2004)</title>
                  <item identifier="phan1" identifierref="r1"><title>Phần 1: Lý thuyết</title></item>
                  <item identifier="phan2" identifierref="r2"><title>Phần 2: Tổng kết</title></item>
                </organization>
              </organizations>
              <resources xml:base="lesson/">
                <resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="part1.html"><file href="part1.html"/></resource>
                <resource identifier="r2" type="webcontent" adlcp:scormType="sco" href="part2.html"><file href="part2.html"/></resource>
              </resources>
            </manifest>
            """,
        ["lesson/part1.html"] = Page("Phần 1: Lý thuyết", """
            <p id="resumed">…</p><p id="page">…</p>
            <button id="next" type="button">Trang tiếp</button>
            """, """
            var api = findApi('API_1484_11');
            api.Initialize('');
            var entry = api.GetValue('cmi.entry');
            var page = parseInt(api.GetValue('cmi.location') || '1', 10);
            var data = api.GetValue('cmi.suspend_data') || '';
            document.getElementById('resumed').textContent = 'entry=' + entry + ';data=' + data;
            function show() { document.getElementById('page').textContent = 'Trang ' + page + '/3'; }
            show();
            document.getElementById('next').onclick = function () {
              data = data + 'p' + page + ';';
              page = page + 1;
              api.SetValue('cmi.location', String(page));
              api.SetValue('cmi.suspend_data', data);
              api.SetValue('cmi.exit', 'suspend');
              api.SetValue('cmi.session_time', 'PT1M');
              if (page >= 3) { api.SetValue('cmi.completion_status', 'completed'); api.SetValue('cmi.exit', 'normal'); }
              else api.SetValue('cmi.completion_status', 'incomplete');
              api.Commit('');
              show();
            };
            """),
        ["lesson/part2.html"] = Page("Phần 2: Tổng kết", "<p id=\"done\">Đã xong</p>", """
            var api = findApi('API_1484_11');
            api.Initialize('');
            api.SetValue('cmi.completion_status', 'completed');
            api.SetValue('cmi.success_status', 'passed');
            api.SetValue('cmi.score.scaled', '1');
            api.Commit('');
            """),
    });

    /// <summary>A valid 1.2 manifest launching index.html, with <paramref name="extra"/> entries added.</summary>
    public static byte[] WithEntries(params (string Name, byte[] Content)[] extra)
    {
        var files = new Dictionary<string, string>
        {
            ["imsmanifest.xml"] = """
                <?xml version="1.0"?>
                <manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
                  <metadata><schemaversion>1.2</schemaversion></metadata>
                  <organizations default="o"><organization identifier="o"><title>T</title><item identifier="i" identifierref="r"><title>T</title></item></organization></organizations>
                  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="index.html"/></resources>
                </manifest>
                """,
            ["index.html"] = "<!doctype html><title>T</title>",
        };
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in files) Write(zip, name, Encoding.UTF8.GetBytes(text));
            foreach (var (name, content) in extra) Write(zip, name, content);
        }
        return memory.ToArray();
    }

    /// <summary>A link entry as Unix zip tools write one (the file mode in the external attributes).</summary>
    public static byte[] WithLink(string name, string target)
    {
        var bytes = WithEntries();
        using var memory = new MemoryStream();
        memory.Write(bytes);
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.CreateEntry(name);
            entry.ExternalAttributes = unchecked((int)(0xA1FFu << 16));
            using var stream = entry.Open();
            stream.Write(Encoding.UTF8.GetBytes(target));
        }
        return memory.ToArray();
    }

    private static byte[] Zip(Dictionary<string, string> files)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, text) in files) Write(zip, name, Encoding.UTF8.GetBytes(text));
        return memory.ToArray();
    }

    private static void Write(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        stream.Write(content);
    }
}

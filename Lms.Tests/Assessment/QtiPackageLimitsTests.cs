using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Assessment;

/// <summary>A server that reads at most 50 files of a QTI package and a manifest of at most 20 kB.</summary>
public sealed class QtiLimitsLmsServer : SqliteLmsServer
{
    protected override IEnumerable<string> ExtraArguments => ["--Assessment:Qti:MaxEntries=50", "--Assessment:Qti:MaxManifestBytes=20000"];
}

/// <summary>The QTI import refuses a package that is built to exhaust the server before any question is read.</summary>
public sealed class QtiPackageLimitsTests(QtiLimitsLmsServer server) : IClassFixture<QtiLimitsLmsServer>
{
    private static byte[] Zip(string manifest, int items)
    {
        var single = File.ReadAllText(ImportTests.Sample("single.xml"));
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var w = new StreamWriter(zip.CreateEntry("imsmanifest.xml").Open())) w.Write(manifest);
            for (var i = 0; i < items; i++)
                using (var w = new StreamWriter(zip.CreateEntry($"item{i}.xml").Open())) w.Write(single);
        }
        return buffer.ToArray();
    }

    private static string Manifest(int items, int padding = 0) =>
        "<manifest xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\" identifier=\"m\"><!--" + new string(' ', padding) + "--><organizations/><resources>" +
        string.Concat(Enumerable.Range(0, items).Select(i => $"<resource identifier=\"r{i}\" type=\"imsqti_item_xmlv2p1\" href=\"item{i}.xml\"/>")) +
        "</resources></manifest>";

    private async Task<HttpResponseMessage> ImportAsync(byte[] package)
    {
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var form = new MultipartFormDataContent { { new ByteArrayContent(package), "file", "goi.zip" } };
        return await teacher.PostAsync($"/api/institutions/{await server.DemoSchoolIdAsync()}/questions/import?tags=qti-limits", form);
    }

    [Fact]
    public async Task A_package_with_more_files_than_allowed_or_a_huge_manifest_is_refused_with_a_code_and_one_within_them_imports()
    {
        var many = await ProblemAssert.IsProblemAsync(await ImportAsync(Zip(Manifest(3), 60)), HttpStatusCode.BadRequest, "import-invalid");
        var problem = many.GetProperty("problems")[0];
        Assert.Equal("package-too-many-entries", problem.GetProperty("code").GetString());
        Assert.Equal("61", problem.GetProperty("args").GetProperty("count").GetString());
        Assert.Equal("50", problem.GetProperty("args").GetProperty("max").GetString());

        // 300 kB of manifest compresses to almost nothing: it is the inflated size that is refused.
        var huge = await ProblemAssert.IsProblemAsync(await ImportAsync(Zip(Manifest(2, padding: 300_000), 2)), HttpStatusCode.BadRequest, "import-invalid");
        Assert.Equal("manifest-too-large", huge.GetProperty("problems")[0].GetProperty("code").GetString());

        var fine = await ProblemAssert.OkAsync<JsonElement>(await ImportAsync(Zip(Manifest(3), 3)));
        Assert.Equal(3, fine.GetProperty("ids").GetArrayLength());
    }
}

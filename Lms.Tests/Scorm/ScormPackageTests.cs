using Lms.Grains.Scorm;

namespace Lms.Tests.Scorm;

/// <summary>What an uploaded package must pass before anything of it is kept: the zip's names, count and ratios, the manifest.</summary>
public sealed class ScormPackageTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "lms-scorm-test-" + Guid.NewGuid().ToString("N")[..8]);

    public ScormPackageTests() => Directory.CreateDirectory(_work);

    public void Dispose()
    {
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
    }

    private ScormManifest Unpack(byte[] zip, ScormLimits? limits = null)
    {
        var path = Path.Combine(_work, Guid.NewGuid().ToString("N") + ".zip");
        File.WriteAllBytes(path, zip);
        return ScormPackageReader.Unpack(path, Path.Combine(_work, Path.GetFileNameWithoutExtension(path)), limits ?? new ScormLimits());
    }

    private ScormRefusal Refused(byte[] zip, ScormLimits? limits = null) => Assert.Throws<ScormRefusal>(() => Unpack(zip, limits));

    [Fact]
    public void A_scorm_12_package_is_read_with_its_sco_and_mastery_score()
    {
        var manifest = Unpack(ScormPackages.Scorm12Scored());
        Assert.Equal(ScormVersions.Scorm12, manifest.Version);
        Assert.Equal("Hàm số bậc hai (SCORM 1.2)", manifest.Title);
        var sco = Assert.Single(manifest.Launchables);
        Assert.Equal(("bai1", "Bài kiểm tra nhanh", "sco/index.html", true, 50.0), (sco.Identifier, sco.Title, sco.Href, sco.IsSco, sco.MasteryScore));
        Assert.Equal(2, manifest.EntryCount);
    }

    [Fact]
    public void A_scorm_2004_package_lists_its_scos_in_order_with_xml_base_applied()
    {
        var manifest = Unpack(ScormPackages.Scorm2004MultiSco());
        Assert.Equal((ScormVersions.Scorm2004, "2004 4th Edition"), (manifest.Version, manifest.Edition));
        Assert.Equal(["lesson/part1.html", "lesson/part2.html"], manifest.Launchables.Select(l => l.Href));
        Assert.Equal(["Phần 1: Lý thuyết", "Phần 2: Tổng kết"], manifest.Launchables.Select(l => l.Title));
        Assert.All(manifest.Launchables, l => Assert.True(l.IsSco));
    }

    [Fact]
    public void A_path_that_climbs_out_is_refused_and_nothing_is_written_outside()
    {
        var refusal = Refused(ScormPackages.WithEntries(("images/../../evil.js", "alert(1)"u8.ToArray())));
        Assert.Equal("scorm-parent-path", refusal.Code);
        Assert.Equal("images/../../evil.js", refusal.Value);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_work)!, "evil.js")));
    }

    [Theory]
    [InlineData("/etc/cron.d/evil")]
    [InlineData("C:/Windows/evil.dll")]
    [InlineData("\\\\server\\share\\evil")]
    public void An_absolute_path_is_refused(string name)
    {
        Assert.Equal("scorm-absolute-path", Refused(ScormPackages.WithEntries((name, [1]))).Code);
    }

    [Fact]
    public void A_symbolic_link_is_refused()
    {
        Assert.Equal("scorm-link", Refused(ScormPackages.WithLink("secret", "/etc/passwd")).Code);
    }

    [Fact]
    public void Too_many_entries_are_refused_before_anything_is_unpacked()
    {
        var many = Enumerable.Range(0, 30).Select(i => ($"p/{i}.txt", new byte[] { 1 })).ToArray();
        var refusal = Refused(ScormPackages.WithEntries(many), new ScormLimits { MaxEntries = 20 });
        Assert.Equal("scorm-too-many-entries", refusal.Code);
        Assert.DoesNotContain(Directory.EnumerateFiles(_work, "*", SearchOption.AllDirectories), f => !f.EndsWith(".zip", StringComparison.Ordinal));
    }

    [Fact]
    public void A_zip_bomb_is_refused_by_its_compression_ratio()
    {
        // 64 MiB of zeros packs to a few tens of kilobytes: a ratio in the thousands.
        var bomb = ScormPackages.WithEntries(("media/zeros.bin", new byte[64 * 1024 * 1024]));
        Assert.True(bomb.Length < 1024 * 1024);
        Assert.Equal("scorm-compression-ratio", Refused(bomb).Code);
    }

    [Fact]
    public void A_package_that_unpacks_beyond_the_size_limit_is_refused()
    {
        var big = ScormPackages.WithEntries(("media/a.bin", Random.Shared.GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 300_000)));
        Assert.Equal("scorm-too-large", Refused(big, new ScormLimits { MaxUnpackedBytes = 200_000 }).Code);
    }

    [Fact]
    public void A_package_without_a_manifest_or_with_a_missing_launch_file_is_refused()
    {
        using (var memory = new MemoryStream())
        {
            using (var zip = new System.IO.Compression.ZipArchive(memory, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
                zip.CreateEntry("index.html");
            Assert.Equal("scorm-no-manifest", Refused(memory.ToArray()).Code);
        }
        Assert.Equal("scorm-not-zip", Refused("not a zip"u8.ToArray()).Code);

        var manifestOnly = ScormPackages.WithEntries();
        // Same manifest, launch file removed.
        using var copy = new MemoryStream();
        copy.Write(manifestOnly);
        using (var zip = new System.IO.Compression.ZipArchive(copy, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
            zip.GetEntry("index.html")!.Delete();
        var refusal = Refused(copy.ToArray());
        Assert.Equal(("scorm-launch-missing", "index.html"), (refusal.Code, refusal.Value));
    }

    [Theory]
    [InlineData("00:03:20", 200)]
    [InlineData("0001:00:00.50", 3600.5)]
    [InlineData("PT1H2M3.5S", 3723.5)]
    [InlineData("PT1M", 60)]
    [InlineData("P1D", 86400)]
    public void Session_times_of_both_versions_are_read(string text, double seconds)
    {
        Assert.Equal(seconds, ScormTime.Seconds(text)!.Value, 3);
    }

    [Theory]
    [InlineData("1:2")]
    [InlineData("PT")]
    [InlineData("soon")]
    public void A_session_time_in_neither_form_is_not_read(string text) => Assert.Null(ScormTime.Seconds(text));
}

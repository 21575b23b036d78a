using System.Buffers.Binary;

namespace Lms.Media.Broadcast;

/// <summary>
/// A fragmented MP4 as ffmpeg writes one with <c>frag_keyframe+empty_moov+default_base_moof</c>: the
/// initialisation part (<c>ftyp</c> + <c>moov</c>), and the media part (<c>moof</c> + <c>mdat</c> pairs) that
/// becomes one HLS segment. ffmpeg starts every file's timeline at zero whatever <c>-output_ts_offset</c>
/// says, so the pieces of a broadcast are put end to end by moving each fragment's decode time
/// (<c>tfdt</c>, which ffmpeg always writes as 64 bits) in place; nothing else changes size or place.
/// </summary>
public sealed class FragmentedMp4
{
    private readonly byte[] _bytes;
    private readonly List<Box> _top;
    private readonly Dictionary<uint, TrackInfo> _tracks = [];

    private readonly record struct Box(string Type, int Start, int Size)
    {
        public int Body => Start + 8;
        public int End => Start + Size;
    }

    private sealed record TrackInfo(uint Timescale, uint DefaultSampleDuration);

    public FragmentedMp4(byte[] bytes)
    {
        _bytes = bytes;
        _top = Children(0, bytes.Length);
        var moov = _top.FirstOrDefault(b => b.Type == "moov");
        if (moov.Type is null || !_top.Any(b => b.Type == "moof"))
            throw new InvalidDataException("Not a fragmented MP4 (no moov, or no moof).");
        var defaults = new Dictionary<uint, uint>();
        foreach (var mvex in Children(moov).Where(b => b.Type == "mvex"))
            foreach (var trex in Children(mvex).Where(b => b.Type == "trex"))
                defaults[U32(trex.Body + 4)] = U32(trex.Body + 12);
        foreach (var trak in Children(moov).Where(b => b.Type == "trak"))
        {
            var tkhd = Children(trak).First(b => b.Type == "tkhd");
            var trackId = U32(tkhd.Body + (_bytes[tkhd.Body] == 1 ? 20 : 12));
            var mdhd = Children(Children(trak).First(b => b.Type == "mdia")).First(b => b.Type == "mdhd");
            var timescale = U32(mdhd.Body + (_bytes[mdhd.Body] == 1 ? 20 : 12));
            _tracks[trackId] = new TrackInfo(timescale, defaults.GetValueOrDefault(trackId));
        }
    }

    /// <summary>The initialisation segment (everything before the first <c>moof</c>).</summary>
    public ReadOnlySpan<byte> Init => _bytes.AsSpan(0, _top.First(b => b.Type == "moof").Start);

    /// <summary>The media segment: every <c>moof</c>/<c>mdat</c> (an <c>mfra</c> index at the end is left out).</summary>
    public byte[] Media()
    {
        using var media = new MemoryStream();
        foreach (var box in _top.Where(b => b.Type is "moof" or "mdat"))
            media.Write(_bytes, box.Start, box.Size);
        return media.ToArray();
    }

    /// <summary>How long the longest track plays, in seconds (the sum of its samples' durations).</summary>
    public double DurationSeconds()
    {
        var ticks = new Dictionary<uint, ulong>();
        foreach (var (trackId, traf) in Fragments())
        {
            var tfhd = Children(traf).First(b => b.Type == "tfhd");
            var flags = U32(tfhd.Body) & 0xFFFFFF;
            var at = tfhd.Body + 8;
            if ((flags & 0x01) != 0) at += 8; // base data offset
            if ((flags & 0x02) != 0) at += 4; // sample description index
            var defaultDuration = (flags & 0x08) != 0 ? U32(at) : _tracks[trackId].DefaultSampleDuration;
            foreach (var trun in Children(traf).Where(b => b.Type == "trun"))
            {
                var trunFlags = U32(trun.Body) & 0xFFFFFF;
                var count = U32(trun.Body + 4);
                var p = trun.Body + 8;
                if ((trunFlags & 0x001) != 0) p += 4; // data offset
                if ((trunFlags & 0x004) != 0) p += 4; // first sample flags
                var perSample = 0;
                foreach (var bit in new uint[] { 0x100, 0x200, 0x400, 0x800 })
                    if ((trunFlags & bit) != 0) perSample += 4;
                ulong sum = 0;
                for (var i = 0; i < count; i++, p += perSample)
                    sum += (trunFlags & 0x100) != 0 ? U32(p) : defaultDuration;
                ticks[trackId] = ticks.GetValueOrDefault(trackId) + sum;
            }
        }
        return ticks.Count == 0 ? 0 : ticks.Max(t => (double)t.Value / _tracks[t.Key].Timescale);
    }

    /// <summary>Moves every fragment later by <paramref name="seconds"/> (each track in its own timescale).</summary>
    public void ShiftDecodeTime(double seconds)
    {
        foreach (var (trackId, traf) in Fragments())
        {
            var tfdt = Children(traf).FirstOrDefault(b => b.Type == "tfdt");
            if (tfdt.Type is null) throw new InvalidDataException("A fragment has no decode time (tfdt).");
            var shift = (ulong)Math.Round(seconds * _tracks[trackId].Timescale);
            if (_bytes[tfdt.Body] == 1)
            {
                var at = _bytes.AsSpan(tfdt.Body + 4, 8);
                BinaryPrimitives.WriteUInt64BigEndian(at, BinaryPrimitives.ReadUInt64BigEndian(at) + shift);
            }
            else
            {
                var value = U32(tfdt.Body + 4) + shift;
                if (value > uint.MaxValue) throw new InvalidDataException("A 32-bit decode time cannot be moved this far.");
                BinaryPrimitives.WriteUInt32BigEndian(_bytes.AsSpan(tfdt.Body + 4, 4), (uint)value);
            }
        }
    }

    private IEnumerable<(uint TrackId, Box Traf)> Fragments()
    {
        foreach (var moof in _top.Where(b => b.Type == "moof"))
            foreach (var traf in Children(moof).Where(b => b.Type == "traf"))
            {
                var tfhd = Children(traf).First(b => b.Type == "tfhd");
                var trackId = U32(tfhd.Body + 4);
                if (!_tracks.ContainsKey(trackId)) throw new InvalidDataException($"A fragment names track {trackId}, which the file does not have.");
                yield return (trackId, traf);
            }
    }

    private List<Box> Children(Box parent) => Children(parent.Body, parent.End);

    private List<Box> Children(int start, int end)
    {
        var boxes = new List<Box>();
        for (var at = start; at + 8 <= end;)
        {
            var size = U32(at);
            if (size < 8 || at + size > end) throw new InvalidDataException("A box runs past the end of its parent.");
            boxes.Add(new Box(System.Text.Encoding.ASCII.GetString(_bytes, at + 4, 4), at, (int)size));
            at += (int)size;
        }
        return boxes;
    }

    private uint U32(int at) => BinaryPrimitives.ReadUInt32BigEndian(_bytes.AsSpan(at, 4));
}

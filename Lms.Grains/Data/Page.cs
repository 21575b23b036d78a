namespace Lms.Grains.Data;

/// <summary>One page of a list, and how many there are in all.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Skip, int Take);

/// <summary>A requested page, clamped to sane bounds.</summary>
public readonly record struct PageRequest(int Skip, int Take)
{
    public const int MaxTake = 200;

    public static PageRequest Of(int? skip, int? take) =>
        new(Math.Max(0, skip ?? 0), Math.Clamp(take ?? 50, 1, MaxTake));
}

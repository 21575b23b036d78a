namespace Lms.Grains.Institutions;

/// <summary>Where an institution sits in the hierarchy: ministry → department → school or university.</summary>
public static class InstitutionKinds
{
    public const string Ministry = "ministry";
    public const string Department = "department";
    public const string School = "school";
    public const string University = "university";

    public static readonly IReadOnlyList<string> All = [Ministry, Department, School, University];

    /// <summary>Which kinds may be created directly under a parent of the given kind (null: a root).</summary>
    public static IReadOnlyList<string> AllowedUnder(string? parentKind) => parentKind switch
    {
        null => [Ministry, Department, School, University],
        Ministry => [Department, University],
        Department => [School],
        _ => [],
    };
}

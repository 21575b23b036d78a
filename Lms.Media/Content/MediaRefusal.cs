namespace Lms.Media.Content;

/// <summary>
/// Why a file was refused, as a stable code (the web app words it in the reader's language) and
/// an English sentence a person understands. A refusal is final: retrying the same file will not help.
/// </summary>
public static class RefusalCodes
{
    public const string Empty = "empty";
    public const string Playlist = "playlist";
    public const string ConcatList = "concat-list";
    public const string ReferencesOtherFiles = "references-other-files";
    public const string Text = "text";
    public const string UnknownFormat = "unknown-format";
    public const string FormatNotAllowed = "format-not-allowed";
    public const string CodecNotAllowed = "codec-not-allowed";
    public const string NoMedia = "no-media";
    public const string Dimensions = "dimensions";
    public const string TooLong = "too-long";
    public const string Truncated = "truncated";
    public const string Damaged = "damaged";
    public const string NotADocument = "not-a-document";
    public const string WrongKind = "wrong-kind";
    /// <summary>The main encode ran past its wall-clock limit (the media's duration × a factor) and was stopped.</summary>
    public const string EncodeTimeout = "encode-timeout";
}

public sealed class MediaRefusedException(string code, string reason) : Exception(reason)
{
    public string Code { get; } = code;

    public string Reason => Message;
}

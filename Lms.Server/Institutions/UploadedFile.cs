using Lms.Server.Problems;

namespace Lms.Server.Institutions;

/// <summary>
/// An admin's file (a roster, a timetable, a OneRoster zip) as a multipart upload (a browser form) or as the raw body,
/// read into memory never past its limit: a body that says nothing of its length is counted as it comes.
/// </summary>
public static class UploadedFile
{
    /// <summary>The file's name (<paramref name="defaultName"/> for a raw body) and its bytes, or 413 past <paramref name="maxBytes"/>.</summary>
    public static async Task<(string FileName, MemoryStream Bytes)> ReadAsync(HttpRequest request, long maxBytes, string defaultName,
        string missingMessage)
    {
        if (request.ContentLength > maxBytes) throw TooLarge(maxBytes);
        Stream body;
        var fileName = defaultName;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            var file = form.Files.FirstOrDefault() ?? throw ProblemException.Invalid("file", missingMessage);
            if (file.Length > maxBytes) throw TooLarge(maxBytes);
            fileName = Path.GetFileName(file.FileName);
            body = file.OpenReadStream();
        }
        else
        {
            body = request.Body;
        }
        await using (body)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes) throw TooLarge(maxBytes);
            }
            buffer.Position = 0;
            return (fileName, buffer);
        }
    }

    private static ProblemException TooLarge(long maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge, "The file is too large.",
            $"The file may be at most {Math.Max(1, maxBytes / 1024 / 1024)} MB.");
}

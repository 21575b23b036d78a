using System.Runtime.InteropServices;
using System.Text;
using FFMpegCore;

namespace Lms.Media.Content;

/// <summary>
/// One ffmpeg run as the pipeline writes it: the options before the input (global options and the
/// protocol and format allow-lists), the one input (always a path the pipeline chose), the options
/// and outputs after it, and the last output.
/// </summary>
/// <param name="Overwrite">Overwrite outputs (ffmpeg's <c>-y</c>, which FFMpegCore writes after the last output).</param>
public sealed record FfmpegCommand(
    IReadOnlyList<string> BeforeInput, string Input, IReadOnlyList<string> AfterInput, string Output, bool Overwrite = true)
{
    /// <summary>The arguments ffmpeg receives, in order.</summary>
    public IReadOnlyList<string> Arguments =>
        [.. BeforeInput, "-i", Input, .. AfterInput, Output, .. Overwrite ? new[] { "-y" } : []];
}

/// <summary>
/// Runs an <see cref="FfmpegCommand"/> through FFMpegCore's <see cref="FFMpegArguments"/>: it builds
/// the command line (input, output, overwrite), starts ffmpeg, streams its output lines and cancels it.
/// The options themselves go in with <c>WithCustomArgument</c>, exactly as the pipeline writes them,
/// because the builder has no way to say most of them: the protocol and format allow-lists, a
/// filter graph that splits one decode into labelled branches (the HLS ladder, poster and
/// thumbnails), per-rung <c>-b:v:N</c>/<c>-maxrate:v:N</c>/<c>-profile:v:N</c>, HLS's
/// <c>-var_stream_map</c>, several outputs of one process, <c>-progress pipe:1</c>; and where it has
/// one, its text differs (<c>WithFastStart</c> writes <c>-movflags faststart</c>, not <c>+faststart</c>).
/// </summary>
public static class FfmpegRunner
{
    public static async Task<ToolResult> RunAsync(
        FfmpegTools tools,
        FfmpegCommand command,
        string workingDirectory,
        CancellationToken cancellationToken,
        Action<string>? onOutputLine = null,
        TimeSpan? timeout = null)
    {
        var ffmpeg = tools.FfmpegPath ?? throw new InvalidOperationException(tools.MissingAdvice);
        var output = new BoundedText(ToolProcess.KeepChars);
        var error = new BoundedText(ToolProcess.KeepChars);
        using var timeoutSource = timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);

        var processor = FFMpegArguments
            // The input is named as the pipeline named it ("file:" + a full path it chose); nothing to check on disk here.
            .FromFileInput(command.Input, verifyExists: false, input => input.WithCustomArgument(CommandLine.Join(command.BeforeInput)))
            .OutputToFile(command.Output, command.Overwrite, outputs => outputs.WithCustomArgument(CommandLine.Join(command.AfterInput)))
            .NotifyOnStandardOutput(line =>
            {
                output.Append(line);
                onOutputLine?.Invoke(line);
            })
            .NotifyOnStandardError(error.Append)
            // Cancelled or out of time: stopped at once (a half-made ladder is thrown away anyway).
            .CancellableThrough(linked.Token, TimeSpan.Zero)
            .Configure(options =>
            {
                options.BinaryFolder = Path.GetDirectoryName(ffmpeg)!;
                options.WorkingDirectory = workingDirectory;
            });

        // ProcessAsynchronously starts ffmpeg before it returns its task, on this thread.
        var before = LowPriority.ChildrenOfThisThread();
        var run = processor.ProcessAsynchronously(false, null, linked.Token);
        LowPriority.LowerNewChildren(before);
        var result = await run;

        if (result.Cancelled || linked.IsCancellationRequested)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (timeoutSource.IsCancellationRequested) throw new TimeoutException($"ffmpeg did not finish within {timeout}.");
            throw new OperationCanceledException("ffmpeg was stopped.");
        }
        return new ToolResult(result.ExitCode, output.ToString(), error.ToString());
    }
}

/// <summary>
/// Media tools yield the CPU to the web server and live classes (nice 10). <see cref="ToolProcess"/>
/// sets <c>Process.PriorityClass</c>, but FFMpegCore starts ffmpeg itself and does not hand the
/// process out. On Linux the process is found instead among the children the calling thread has
/// just forked (<c>/proc/thread-self/children</c>: .NET forks on the thread that calls
/// <c>Process.Start</c>) and given nice 10 before it starts its encoder threads, as
/// <c>PriorityClass</c> would. Elsewhere ffmpeg runs at normal priority.
/// </summary>
internal static class LowPriority
{
    private const int Nice = 10;
    private const int PrioProcess = 0;

    public static IReadOnlySet<int> ChildrenOfThisThread()
    {
        if (!OperatingSystem.IsLinux()) return new HashSet<int>();
        try
        {
            return File.ReadAllText("/proc/thread-self/children")
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(int.Parse)
                .ToHashSet();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return new HashSet<int>();
        }
    }

    public static void LowerNewChildren(IReadOnlySet<int> before)
    {
        foreach (var pid in ChildrenOfThisThread().Except(before))
            _ = setpriority(PrioProcess, pid, Nice); // best effort, like PriorityClass: a child already gone is no harm
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);
}

/// <summary>
/// Joins arguments into one command line that .NET splits back into the same list (its rules,
/// on every platform: double quotes, and backslashes only before a quote), for FFMpegCore's
/// string-based arguments.
/// </summary>
internal static class CommandLine
{
    public static string Join(IEnumerable<string> arguments) => string.Join(' ', arguments.Select(Quote));

    public static string Quote(string argument)
    {
        if (argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c == '"')) return argument;
        var quoted = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }
            // Backslashes before a quote are doubled, and the quote escaped.
            quoted.Append('\\', c == '"' ? backslashes * 2 + 1 : backslashes).Append(c);
            backslashes = 0;
        }
        // Backslashes before the closing quote are doubled.
        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }
}

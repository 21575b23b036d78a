using System.Diagnostics;
using System.Text;

namespace Lms.Media.Content;

/// <summary>What a finished tool run left behind: its exit code and (the ends of) what it printed.</summary>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs pdftoppm, pdfinfo and the like (ffmpeg and ffprobe go through FFMpegCore: <see cref="FfmpegRunner"/>,
/// <see cref="MediaProber"/>): arguments as a list (never one shell string), a working directory the
/// pipeline chose, a priority below the web server's, and a kill of the whole process tree when the caller cancels.
/// </summary>
public static class ToolProcess
{
    /// <summary>Keep this much of stderr's beginning and end: ffmpeg's first and last words are what explain a failure.</summary>
    internal const int KeepChars = 32 * 1024;

    public static async Task<ToolResult> RunAsync(
        string file,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        CancellationToken cancellationToken,
        Action<string>? onOutputLine = null,
        bool lowPriority = true,
        TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = start };
        var output = new BoundedText(KeepChars);
        var error = new BoundedText(KeepChars);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            output.Append(e.Data);
            onOutputLine?.Invoke(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) error.Append(e.Data);
        };

        if (!process.Start()) throw new InvalidOperationException($"Could not start {file}.");
        process.StandardInput.Close();
        if (lowPriority)
        {
            // Media tools yield the CPU to the web server and live classes (nice 10 on Linux).
            try { process.PriorityClass = ProcessPriorityClass.BelowNormal; }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeoutSource = timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            try { await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)); } catch (TimeoutException) { }
            if (!cancellationToken.IsCancellationRequested && timeoutSource.IsCancellationRequested)
                throw new TimeoutException($"{Path.GetFileName(file)} did not finish within {timeout}.");
            throw;
        }
        // WaitForExitAsync returns once the process ends; the redirected streams may still be draining.
        process.WaitForExit();
        return new ToolResult(process.ExitCode, output.ToString(), error.ToString());
    }
}

/// <summary>Keeps the first and the last <c>limit</c> characters of a long text.</summary>
internal sealed class BoundedText(int limit)
{
    private readonly StringBuilder _head = new();
    private readonly Queue<string> _tail = new();
    private int _tailLength;
    private bool _dropped;
    private readonly object _lock = new();

    public void Append(string line)
    {
        lock (_lock)
        {
            if (_head.Length + line.Length < limit)
            {
                _head.AppendLine(line);
                return;
            }
            _tail.Enqueue(line);
            _tailLength += line.Length + 1;
            while (_tailLength > limit && _tail.Count > 1)
            {
                _tailLength -= _tail.Dequeue().Length + 1;
                _dropped = true;
            }
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            if (_tail.Count == 0) return _head.ToString();
            var text = new StringBuilder(_head.ToString());
            if (_dropped) text.AppendLine("[…]");
            foreach (var line in _tail) text.AppendLine(line);
            return text.ToString();
        }
    }
}

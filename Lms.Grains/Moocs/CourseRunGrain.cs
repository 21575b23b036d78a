
using Lms.Grains.Courses;

namespace Lms.Grains.Moocs;

/// <summary>
/// One MOOC run: its enrolment counter, cap and statistics. Each enrolment is decided by the database
/// (a conditional insert under the run's row lock, with the new count, in one transaction) before it is
/// acknowledged, so the cap holds even when cluster churn leaves two activations of this grain for a while.
/// </summary>
public interface ICourseRunGrain : IGrainWithGuidKey
{
    Task<EnrolResultView> Enrol(Guid userId);

    Task<RunStats> GetStats();

    /// <summary>A learner of this run passed for the first time.</summary>
    Task RecordPassed();

    /// <summary>The run's dates or cap changed: read them again.</summary>
    Task Reload();
}

public sealed class CourseRunGrain(MoocRepository moocs, TimeProvider clock) : Grain, ICourseRunGrain
{
    private RunRow? _run;
    private int _enrolled;
    private int _passed;

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => await LoadAsync();

    private async Task LoadAsync()
    {
        _run = await moocs.RunAsync(this.GetPrimaryKey());
        if (_run is null) return;
        // The store's rows are the truth (a teacher may have removed someone meanwhile); keep the columns in step.
        (_enrolled, _passed) = await moocs.CountsAsync(_run.CourseId);
        if (_enrolled != _run.Enrolled || _passed != _run.Passed)
            await moocs.SetCountsAsync(_run.Id, _enrolled, _passed);
    }

    public async Task<EnrolResultView> Enrol(Guid userId)
    {
        if (_run is null) return new EnrolResultView(EnrolOutcome.NotFound, null);
        if (!_run.OpenAt(clock.GetUtcNow())) return new EnrolResultView(EnrolOutcome.Closed, Stats());
        // The database decides (a second activation of this grain during cluster churn may be signing people up too).
        var (outcome, enrolled) = await moocs.EnrolAsync(_run.Id, _run.CourseId, userId);
        _enrolled = enrolled;
        return new EnrolResultView(outcome, Stats());
    }

    public Task<RunStats> GetStats() => Task.FromResult(Stats());

    public async Task RecordPassed()
    {
        if (_run is null) return;
        await moocs.SetPassedAsync(_run.Id, _passed + 1);
        _passed++;
    }

    public Task Reload() => LoadAsync();

    private RunStats Stats() => new(
        this.GetPrimaryKey(), _enrolled, _run?.EnrolCap, _passed, _run is not null && _run.OpenAt(clock.GetUtcNow()));
}

/// <summary>Counts a pass in the learner's run.</summary>
public sealed class RunPassedCounter(MoocRepository moocs, IGrainFactory grains) : ICoursePassedHandler
{
    public async Task OnPassedAsync(Guid courseId, Guid userId, decimal grade, DateTimeOffset passedAt, bool newly)
    {
        if (!newly) return;
        if (await moocs.RunByCourseAsync(courseId) is { } run)
            await grains.GetGrain<ICourseRunGrain>(run.Id).RecordPassed();
    }
}

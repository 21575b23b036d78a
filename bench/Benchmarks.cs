namespace Lms.Bench;

/// <summary>A load generator or measurement; it prints its figures as JSON lines, ratios measured in one run.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    Task<int> RunAsync(string[] args);
}

public static class Benchmarks
{
    /// <summary>Every benchmark, by the name given to <c>./build.sh bench</c>.</summary>
    public static readonly IReadOnlyList<IBenchmark> All = [new MoocBenchmark(), new QuizBenchmark(), new Classroom.ClassroomBenchmark(), new Classroom.SoakBenchmark(), new MediaBenchmark(), new AnswerOrderBenchmark(), new ExamBenchmark(), new Institutions.PeopleListBenchmark(), new Institutions.RosterBenchmark(), new Network.NetworkBenchmark(), new Broadcast.BroadcastBenchmark(), new Phone.PhoneBenchmark(), new SchoolYear.SchoolDayBenchmark()];
}

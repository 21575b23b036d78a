using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Lms.Grains.Classroom;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lms.Tests.Classroom;

/// <summary>
/// Records what the grain publishes, per session, as the web host's publisher would send it. The
/// grain tests look at the grain's rules and numbering; the hub tests send through real SignalR.
/// </summary>
public sealed class RecordingPublisher : IClassroomPublisher
{
    public static readonly ConcurrentDictionary<Guid, ConcurrentQueue<(ClassroomEvent Event, string[] To)>> Events = new();
    public static readonly ConcurrentDictionary<Guid, ConcurrentQueue<(Guid To, SignalMessage Message)>> Signals = new();

    public void Publish(Guid sessionId, ClassroomEvent @event, IReadOnlyList<string> audiences) =>
        Events.GetOrAdd(sessionId, _ => new()).Enqueue((@event, audiences.ToArray()));

    public void Signal(Guid sessionId, Guid to, SignalMessage message) => Signals.GetOrAdd(sessionId, _ => new()).Enqueue((to, message));

    public Task SetAudiencesAsync(Guid sessionId, string connectionId, IReadOnlyCollection<string> add, IReadOnlyCollection<string> remove) =>
        Task.CompletedTask;

    public static List<(ClassroomEvent Event, string[] To)> Of(Guid sessionId) =>
        Events.TryGetValue(sessionId, out var queue) ? queue.ToList() : [];
}

/// <summary>A real Orleans test cluster whose classroom grains use a real SQLite file.</summary>
public sealed class ClassroomGrainCluster : SqliteGrainCluster<ClassroomGrainCluster.Services>
{
    public sealed class Services : ISiloServices
    {
        public static void Add(IServiceCollection services)
        {
            services.AddSingleton<CourseRepository>();
            services.AddSingleton<LiveSessionRepository>();
            services.AddSingleton<IClassroomPublisher, RecordingPublisher>();
            services.AddSingleton<IClassroomMedia, NoClassroomMedia>();
            services.Configure<ClassroomOptions>(o =>
            {
                o.ReplayBuffer = 32;
                o.SmallRoom = 5;
                o.Grace = TimeSpan.FromSeconds(1);
                o.SnapshotInterval = TimeSpan.FromMilliseconds(200);
                o.StudentChatInterval = TimeSpan.Zero;
            });
        }
    }
}

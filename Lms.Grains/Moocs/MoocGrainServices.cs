using Lms.Grains.Courses;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lms.Grains.Moocs;

public static class MoocGrainServices
{
    /// <summary>
    /// What the MOOC grains and <see cref="LearnerCourseGrain"/>'s standing need: repositories, the
    /// completion/grade source of each item kind, item copiers and the grading part of a course copy (re-runs and school copies), and the pass handlers.
    /// Another feature adds its kind with <c>services.AddSingleton&lt;IItemStateSource, QuizItemStateSource&gt;()</c>.
    /// </summary>
    public static IServiceCollection AddCourseStanding(this IServiceCollection services)
    {
        services.TryAddSingleton<CourseRepository>();
        services.TryAddSingleton<ProgressRepository>();
        services.TryAddSingleton<MoocRepository>();
        services.TryAddSingleton<GradingRepository>();
        services.TryAddSingleton<AssignmentRepository>();
        services.TryAddSingleton<PeerReviewAllocator>();
        services.TryAddSingleton<CourseStanding>();
        services.TryAddSingleton<CourseCopy>();
        services.TryAddSingleton<ItemSchedule>();
        services.TryAddSingleton<RunExtensionRepository>();
        services.TryAddSingleton<RunWindow>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IItemAvailability, ItemSchedule>(sp => sp.GetRequiredService<ItemSchedule>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWorkWindow, RunWindow>(sp => sp.GetRequiredService<RunWindow>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IItemStateSource, SeenItemStateSource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IItemStateSource, AssignmentItemStateSource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IItemCopier, AssignmentCopier>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICourseCopyPart, GradingCopyPart>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICoursePassedHandler, RunPassedCounter>());
        return services;
    }
}

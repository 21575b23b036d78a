using Lms.Grains.Assessment;
using Lms.Grains.Courses;
using Lms.Grains.Moocs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lms.Server.Assessment;

public static class AssessmentSetup
{
    /// <summary>Question bank, quizzes, attempts, gradebook: one line in LmsApp.</summary>
    public static IServiceCollection AddAssessment(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AssessmentOptions>(configuration.GetSection(AssessmentOptions.Section));
        services.AddSingleton<GroupCommitWriter>();
        services.AddSingleton<QuestionRepository>();
        services.AddSingleton<QuizRepository>();
        services.AddSingleton<AttemptRepository>();
        services.AddSingleton<AnswerOrderAudit>();
        services.AddSingleton<AssessmentAccess>();
        services.AddHostedService<DeadlineSweeper>();
        // Quizzes in the course's completion and grading rules (the MOOC feature's extension point).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IItemStateSource, QuizItemStateSource>());
        // A copied course (a school copy or a MOOC re-run) gets its own copy of each quiz.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IItemCopier, QuizCopier>());
        return services;
    }

    public static void MapAssessmentEndpoints(this RouteGroupBuilder api)
    {
        api.MapBankEndpoints();
        api.MapQuizEndpoints();
        api.MapAttemptEndpoints();
        api.MapGradebookEndpoints();
    }
}

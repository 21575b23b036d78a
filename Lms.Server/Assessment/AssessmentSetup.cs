using Lms.Grains.Assessment;

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
        services.AddSingleton<AssessmentAccess>();
        services.AddHostedService<DeadlineSweeper>();
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

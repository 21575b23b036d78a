using Lms.Grains.SchoolYear;

namespace Lms.Server.SchoolYear;

/// <summary>The school year feature: terms, subjects, class teachers, timetable, attendance, leave requests.</summary>
public static class SchoolYearSetup
{
    public static IServiceCollection AddSchoolYear(this IServiceCollection services)
    {
        services.AddSingleton<SchoolYearRepository>();
        services.AddSingleton<SchoolPeople>();
        services.AddSingleton<TimetableRepository>();
        services.AddSingleton<AttendanceRepository>();
        services.AddSingleton<AbsenceNotices>();
        services.AddSingleton<MarkBookRepository>();
        services.AddSingleton<MarkBookConduct>();
        services.AddSingleton<SchoolYearDemo>();
        services.AddSingleton<ReportCardRepository>();
        services.AddSingleton<ReportCardComposer>();
        services.AddSingleton<ReportCardPdf>();
        services.AddSingleton<MarkBookFeedRepository>();
        services.AddSingleton<MarkBookFeed>();
        services.AddScoped<SchoolYearAccess>();
        services.AddContactBook();
        return services;
    }

    public static void MapSchoolYear(this RouteGroupBuilder api)
    {
        api.MapSchoolYearEndpoints();
        api.MapTimetableEndpoints();
        api.MapAttendanceEndpoints();
        api.MapLeaveEndpoints();
        api.MapContactEndpoints();
        api.MapMarkBookEndpoints();
        api.MapMarkBookConductEndpoints();
        api.MapReportCardEndpoints();
        api.MapMarkBookFeedEndpoints();
        api.MapMarkBookExportEndpoints();
    }
}

using Microsoft.AspNetCore.SignalR;

namespace Lms.Server.Classroom;

/// <summary>
/// The one place that logs a hub method's failure. A refused command (<see cref="HubException"/>: a student
/// raising a hand in an ended room, a command sent twice) is the client's mistake and an everyday event in a real
/// class, logged at Information with its code and no stack trace. Anything else is ours, logged at Error with
/// the stack. SignalR's own dispatcher would log both at Error with the stack; its category is turned down in
/// <see cref="ClassroomSetup"/> so each failure is logged once, here.
/// </summary>
public sealed class HubFailureLogging(ILogger<HubFailureLogging> log) : IHubFilter
{
    public const string DispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(context);
        }
        catch (HubException e)
        {
            log.LogInformation("{Hub}.{Method} refused: {Code}", context.Hub.GetType().Name, context.HubMethodName, e.Message);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "{Hub}.{Method} failed", context.Hub.GetType().Name, context.HubMethodName);
            throw;
        }
    }
}

using System.Security.Cryptography;
using Lms.Grains.Classroom;
using Microsoft.AspNetCore.DataProtection;

namespace Lms.Server.Classroom;

/// <summary>
/// The room and the live quiz act for the <see cref="Caller"/> the hub passes them: who it is and whether they teach.
/// An argument alone could be forged by anything that reaches a silo's gateway, so the hub also seals the caller into
/// the call's request context with the cluster's shared key ring (authenticated encryption, valid for two minutes),
/// and every silo's <see cref="SealedCallerFilter"/> refuses a call whose <see cref="Caller"/> is not the sealed one.
/// The key ring is the cluster's (Redis, encrypted at rest with the cluster's certificate when one is set), so only a
/// node of this cluster can seal.
/// </summary>
public sealed class CallerSeal(IDataProtectionProvider protection)
{
    private const string ContextKey = "lms.caller";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Lms.Classroom.Caller.v1").ToTimeLimitedDataProtector();

    /// <summary>Puts <paramref name="caller"/>, sealed, into the request context of the grain calls that follow; returns it.</summary>
    public Caller Seal(Caller caller)
    {
        RequestContext.Set(ContextKey, _protector.Protect(Text(caller), Lifetime));
        return caller;
    }

    /// <summary>True when the call's request context holds <paramref name="caller"/> sealed by a node of this cluster, unexpired.</summary>
    public bool Holds(Caller caller)
    {
        if (RequestContext.Get(ContextKey) is not string sealedCaller) return false;
        try
        {
            return _protector.Unprotect(sealedCaller) == Text(caller);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static string Text(Caller caller) => string.Join('\n', caller.UserId.ToString("N"), caller.Role, caller.ConnectionId, caller.DisplayName);
}

/// <summary>Refuses, on every silo, a grain call with a <see cref="Caller"/> argument that the call's sealed context does not hold.</summary>
public sealed class SealedCallerFilter(CallerSeal seal, ILogger<SealedCallerFilter> log) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        for (var i = 0; i < context.Request.GetArgumentCount(); i++)
        {
            if (context.Request.GetArgument(i) is not Caller caller || seal.Holds(caller)) continue;
            log.LogWarning("Refused {Method} for {UserId} as {Role}: the caller was not sealed by a node of this cluster",
                context.InterfaceMethod?.Name, caller.UserId, caller.Role);
            throw new UnauthorizedAccessException("The caller was not sealed by a node of this cluster.");
        }
        return context.Invoke();
    }
}

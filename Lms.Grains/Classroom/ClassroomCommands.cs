
namespace Lms.Grains.Classroom;

/// <summary>
/// Something a person asks the room to do. <see cref="CommandId"/> is chosen by the client (one per
/// intent, kept across retries) so that a command sent twice is applied once. Commands teachers
/// alone may give implement <see cref="ITeacherCommand"/>; another feature adds its own the same way.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record ClassroomCommand([property: Id(0)] string CommandId);

/// <summary>Marks a command only the session's teachers may give.</summary>
public interface ITeacherCommand;

// Everyone in the room.
[GenerateSerializer, Immutable] public sealed record SendChat(string CommandId, [property: Id(0)] string Text) : ClassroomCommand(CommandId);
[GenerateSerializer, Immutable] public sealed record RaiseHand(string CommandId) : ClassroomCommand(CommandId);
[GenerateSerializer, Immutable] public sealed record LowerHand(string CommandId) : ClassroomCommand(CommandId);
[GenerateSerializer, Immutable] public sealed record React(string CommandId, [property: Id(0)] string Emoji) : ClassroomCommand(CommandId);
[GenerateSerializer, Immutable] public sealed record AnswerPoll(string CommandId, [property: Id(0)] Guid PollId, [property: Id(1)] IReadOnlyList<int> Choices) : ClassroomCommand(CommandId);
/// <summary>The media a person wants to receive: "full", "low" (low bandwidth) or "audio" (audio only).</summary>
[GenerateSerializer, Immutable] public sealed record SetMyMedia(string CommandId, [property: Id(0)] string Mode) : ClassroomCommand(CommandId);

// Teachers.
[GenerateSerializer, Immutable] public sealed record StartSession(string CommandId) : ClassroomCommand(CommandId), ITeacherCommand;
[GenerateSerializer, Immutable] public sealed record EndSession(string CommandId) : ClassroomCommand(CommandId), ITeacherCommand;
/// <summary>Admits one person from the waiting room, or everyone waiting when <see cref="UserId"/> is null.</summary>
[GenerateSerializer, Immutable] public sealed record Admit(string CommandId, [property: Id(0)] Guid? UserId) : ClassroomCommand(CommandId), ITeacherCommand;
[GenerateSerializer, Immutable] public sealed record SetLock(string CommandId, [property: Id(0)] bool Locked) : ClassroomCommand(CommandId), ITeacherCommand;
[GenerateSerializer, Immutable] public sealed record SetWaitingRoom(string CommandId, [property: Id(0)] bool Enabled) : ClassroomCommand(CommandId), ITeacherCommand;
/// <summary>Whether students may chat (teachers always may).</summary>
[GenerateSerializer, Immutable] public sealed record SetChat(string CommandId, [property: Id(0)] bool StudentsMayChat) : ClassroomCommand(CommandId), ITeacherCommand;
[GenerateSerializer, Immutable] public sealed record Mute(string CommandId, [property: Id(0)] Guid UserId) : ClassroomCommand(CommandId), ITeacherCommand;
[GenerateSerializer, Immutable] public sealed record RemoveParticipant(string CommandId, [property: Id(0)] Guid UserId) : ClassroomCommand(CommandId), ITeacherCommand;
[GenerateSerializer, Immutable] public sealed record GiveFloor(string CommandId, [property: Id(0)] Guid UserId, [property: Id(1)] bool AllowVideo) : ClassroomCommand(CommandId), ITeacherCommand;
[GenerateSerializer, Immutable] public sealed record TakeFloor(string CommandId) : ClassroomCommand(CommandId), ITeacherCommand;
[GenerateSerializer, Immutable] public sealed record ClearHand(string CommandId, [property: Id(0)] Guid UserId) : ClassroomCommand(CommandId), ITeacherCommand;
[GenerateSerializer, Immutable] public sealed record DeleteChat(string CommandId, [property: Id(0)] Guid MessageId) : ClassroomCommand(CommandId), ITeacherCommand;
[GenerateSerializer, Immutable] public sealed record OpenPoll(
    string CommandId, [property: Id(0)] string Question, [property: Id(1)] IReadOnlyList<string> Options,
    [property: Id(2)] bool Multiple, [property: Id(3)] bool Anonymous) : ClassroomCommand(CommandId), ITeacherCommand;
/// <summary>Closes the open poll; with <see cref="ShowResults"/> everyone sees the tally.</summary>
[GenerateSerializer, Immutable] public sealed record ClosePoll(string CommandId, [property: Id(0)] bool ShowResults) : ClassroomCommand(CommandId), ITeacherCommand;
/// <summary>
/// Splits the students into <see cref="Groups"/> breakout groups for <see cref="Minutes"/> minutes:
/// at random, or as <see cref="Assignments"/> says (user id → group number from 1).
/// </summary>
[GenerateSerializer, Immutable] public sealed record StartBreakouts(
    string CommandId, [property: Id(0)] int Groups, [property: Id(1)] int Minutes,
    [property: Id(2)] IReadOnlyDictionary<Guid, int>? Assignments) : ClassroomCommand(CommandId), ITeacherCommand;
[GenerateSerializer, Immutable] public sealed record BroadcastToBreakouts(string CommandId, [property: Id(0)] string Text) : ClassroomCommand(CommandId), ITeacherCommand;
[GenerateSerializer, Immutable] public sealed record EndBreakouts(string CommandId) : ClassroomCommand(CommandId), ITeacherCommand;
/// <summary>What the teacher sends: "video" (camera and screen), "audio" (audio only, for weak networks) or "off".</summary>
[GenerateSerializer, Immutable] public sealed record SetMediaMode(string CommandId, [property: Id(0)] string Mode) : ClassroomCommand(CommandId), ITeacherCommand;

namespace Lms.Grains.Classroom;

/// <summary>
/// Everything a live room knows, as one JSON-serializable object: the grain works on it and
/// snapshots it whole into <c>live_state</c>, so a new activation (after a silo failure) picks up
/// where the last snapshot left off.
/// </summary>
public sealed class RoomState
{
    public long Seq { get; set; }
    public string Status { get; set; } = RoomStatuses.Scheduled;
    public Guid? RunId { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public Guid? PresenterId { get; set; }
    public bool Locked { get; set; }
    public bool WaitingRoom { get; set; }
    public bool StudentChat { get; set; } = true;
    public string MediaMode { get; set; } = "video";
    public Dictionary<Guid, ParticipantState> People { get; set; } = new();
    public HashSet<Guid> Removed { get; set; } = [];
    public FloorState? Floor { get; set; }
    public PollState? Poll { get; set; }
    public PollState? LastPoll { get; set; }
    public BreakoutState? Breakout { get; set; }
    public List<ChatEntry> Chat { get; set; } = [];
    public List<ChatRecord> PendingChat { get; set; } = [];
    public List<ChatDeletion> PendingDeletions { get; set; } = [];
    public List<BufferedEvent> Buffer { get; set; } = [];
    /// <summary>Sequence numbers that were skipped when a new activation resumed from an older snapshot.</summary>
    public long GapFrom { get; set; }
    public long GapTo { get; set; }
    /// <summary>The number of the newest event of each audience (what the next event of that audience says it follows).</summary>
    public Dictionary<string, long> LastByAudience { get; set; } = new();
    public List<KeyValuePair<string, CommandResult>> RecentCommands { get; set; } = [];
    /// <summary>Broadcast mode as the server last decided it (null until it did).</summary>
    public BroadcastMode? Broadcast { get; set; }
    /// <summary>Each student's camera in this run (<see cref="CameraStates"/>): who was asked, accepted, refused.</summary>
    public Dictionary<Guid, string> Cameras { get; set; } = new();
}

public sealed class ParticipantState
{
    public Guid UserId { get; set; }
    public string Name { get; set; } = "";
    public string Role { get; set; } = ClassroomRoles.Student;
    /// <summary>In the room in this run (admitted people come back in even when the room is locked).</summary>
    public bool Admitted { get; set; }
    /// <summary>
    /// Was in a run that has ended and has not joined afresh since: a page left open on that run's end is not
    /// admitted, counted or listed in the next run until its person joins again.
    /// </summary>
    public bool LeftOver { get; set; }
    /// <summary>In the waiting room since then (for admission, or for the session to start).</summary>
    public DateTimeOffset? WaitingSince { get; set; }
    public List<string> Connections { get; set; } = [];
    /// <summary>Start of the current stretch in the room; null when not in it.</summary>
    public DateTimeOffset? OnlineSince { get; set; }
    /// <summary>When the last connection dropped; the person counts as gone once the grace period passes.</summary>
    public DateTimeOffset? AwaySince { get; set; }
    public List<AttendanceInterval> Intervals { get; set; } = [];
    public DateTimeOffset? HandAt { get; set; }
    public string Media { get; set; } = "full";
    public int? Breakout { get; set; }
    public DateTimeOffset? LastChatAt { get; set; }

    public bool IsTeacher => Role == ClassroomRoles.Teacher;
    public bool InRoom => Admitted && OnlineSince is not null;
    public bool Connected => Connections.Count > 0;
}

public sealed record FloorState(Guid UserId, string Name, bool AllowVideo);

public sealed class PollState
{
    public Guid Id { get; set; }
    public string Question { get; set; } = "";
    public List<string> Options { get; set; } = [];
    public bool Multiple { get; set; }
    public bool Anonymous { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public bool Shown { get; set; }
    public Dictionary<Guid, PollAnswerRecord> Answers { get; set; } = new();

    public int[] Counts()
    {
        var counts = new int[Options.Count];
        foreach (var answer in Answers.Values)
        foreach (var choice in answer.Choices)
            if (choice >= 0 && choice < counts.Length) counts[choice]++;
        return counts;
    }
}

public sealed class BreakoutState
{
    public int Groups { get; set; }
    public DateTimeOffset EndsAt { get; set; }
}

public sealed record ChatEntry(Guid Id, Guid UserId, string Name, string Role, string Text, DateTimeOffset At, int? Group, bool Deleted);

public sealed record ChatDeletion(Guid Id, Guid By, DateTimeOffset At);

/// <summary>An event kept for replay, with who may see it.</summary>
public sealed record BufferedEvent(ClassroomEvent Event, string[] To);

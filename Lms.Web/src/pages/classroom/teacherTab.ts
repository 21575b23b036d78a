// Which of a teacher's tabs acts for them in the room: presents (answers the students' WebRTC offers)
// and records. The server keeps one claim per teacher (ClaimTab on the classroom hub); this tab claims
// it each time it joins, and takes it over only when the teacher asks. The tab's id lives in the
// browser's session storage, so a reloaded tab is the same tab and gets its own claim back.
import { useCallback, useEffect, useRef, useState } from 'react';
import { isKnown, parseEvent, type RoomEvent } from './events';
import type { Connection, Entry, Room } from './room';

export interface TeacherTab {
  /** This tab's id (the same across a reload of the tab). */
  id: string;
  /** Whether this tab acts for the teacher (null: not known yet). */
  acting: boolean | null;
  /** The tab that acts, when it is another one (null: none does now). */
  other: { tabId: string; since: string } | null;
  /** Makes this tab the one that acts. */
  takeOver: () => Promise<void>;
}

const KEY = 'lms.classroom.tab';

function thisTabId(): string {
  try {
    const known = window.sessionStorage.getItem(KEY);
    if (known) return known;
    const made = crypto.randomUUID();
    window.sessionStorage.setItem(KEY, made);
    return made;
  } catch {
    return crypto.randomUUID();
  }
}

export function useTeacherTab(room: Room | null, userId: string, teacher: boolean, entry: Entry | null,
  connection: Connection): TeacherTab {
  const id = useRef(thisTabId()).current;
  const [acting, setActing] = useState<boolean | null>(null);
  const [other, setOther] = useState<TeacherTab['other']>(null);
  const actingRef = useRef<boolean | null>(null);
  actingRef.current = acting;

  const claim = useCallback(async (takeOver: boolean) => {
    if (!room) return;
    try {
      const result = await room.claimTab(id, takeOver);
      setActing(result.granted);
      setOther(result.granted ? null : { tabId: result.tabId, since: result.since });
    } catch {
      // Not in the room (yet): the next join claims again.
    }
  }, [room, id]);

  // Every join (the first, and after each reconnect, on a new connection) claims again, without taking over.
  useEffect(() => {
    if (teacher && entry?.status === 'joined' && connection === 'connected') void claim(false);
  }, [teacher, entry, connection, claim]);

  useEffect(() => room?.listen((raw: RoomEvent) => {
    if (!teacher) return;
    const e = parseEvent(raw);
    if (!isKnown(e)) return;
    if (e.type === 'tab.claimed' && e.data.userId === userId) {
      const mine = e.data.tabId === id;
      setActing(mine);
      setOther(mine ? null : { tabId: e.data.tabId, since: e.data.since });
    } else if (e.type === 'tab.released' && e.data.userId === userId) {
      // Our own claim ended with an old connection (a reconnect): claim it again on this one.
      const released = e.data.tabId;
      if (released === id) void claim(false);
      else setOther((o) => (o?.tabId === released ? null : o));
    }
  }), [room, teacher, userId, id, claim]);

  return { id, acting: teacher ? acting : false, other, takeOver: () => claim(true) };
}

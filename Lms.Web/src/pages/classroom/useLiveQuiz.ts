// The live quiz's state on the classroom's own hub connection: QuizState after each join, quiz.* events
// after that; and how a component sends the quiz's commands.
import { useCallback, useEffect, useRef, useState } from 'react';
import * as signalR from '@microsoft/signalr';
import type { QuizView } from '../../api/livequiz';
import { isKnown, parseEvent, type RoomEvent, type TypedEvent } from './events';
import { RoomError, type Connection, type Room } from './room';

export interface QuizHandle {
  view: QuizView | null;
  /** Server time now (ms), from the offset measured on the last state or event. */
  serverNow: () => number;
  /** Sends a command once (a command id per intent), e.g. `send((r) => r.clearQuiz())`; resolves to an error code or null. */
  send: (command: (room: Room) => Promise<void>) => Promise<string | null>;
  update: (change: (v: QuizView) => QuizView) => void;
}

const sleep = (ms: number) => new Promise((r) => window.setTimeout(r, ms));

/** Applies one quiz event to the view (each is a plain setting of state, so one applied twice changes nothing). */
export function applyQuizEvent(v: QuizView, e: TypedEvent, teacher: boolean): QuizView {
  const current = v.question?.launch.launchId;
  switch (e.type) {
    case 'quiz.launched': {
      const d = e.data;
      return {
        ...v, stage: 'question', questions: d.position, leaderboard: null, mine: null,
        question: { launch: d, closed: false, closedAt: null, answered: teacher ? 0 : null, distribution: teacher ? [] : null, results: null },
      };
    }
    case 'quiz.tally': {
      const d = e.data;
      return v.question && current === d.launchId
        ? { ...v, inRoom: d.inRoom, question: { ...v.question, answered: d.answered, distribution: d.distribution } } : v;
    }
    case 'quiz.closed': {
      const d = e.data;
      return v.question && current === d.launchId
        ? { ...v, stage: v.stage === 'question' ? 'closed' : v.stage, question: { ...v.question, closed: true, closedAt: d.closedAt, answered: d.answered } }
        : v;
    }
    case 'quiz.results': {
      const d = e.data;
      return v.question && current === d.launchId
        ? { ...v, stage: 'results', question: { ...v.question, closed: true, answered: d.answered, results: d } } : v;
    }
    case 'quiz.leaderboard':
      return { ...v, stage: 'leaderboard', leaderboard: e.data };
    case 'quiz.cleared':
      return { ...v, stage: 'idle' };
    default:
      return v;
  }
}

/**
 * The quiz's state for this connection. After every (re)join it asks the grain for the whole state
 * (QuizState, with the number of the last quiz event it reflects); quiz.* events newer than that are
 * applied as they come. A student asks again after results and the leaderboard, for their own points.
 */
export function useLiveQuiz(room: Room | null, connection: Connection, runId: string | null, teacher: boolean): QuizHandle {
  const [view, setView] = useState<QuizView | null>(null);
  const lastSeq = useRef(0);
  const offset = useRef(0);
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    if (!room) return;
    const mine = ++generation.current;
    for (let attempt = 0; attempt < 60 && mine === generation.current; attempt++) {
      try {
        if (room.connection.state === signalR.HubConnectionState.Connected) {
          const v = JSON.parse(await room.quizState()) as QuizView;
          // Not in the room on this connection yet (just reconnected, the join is on its way), or an
          // event newer than this state has arrived meanwhile: ask again (a few times for the latter).
          if (v.joined && (v.seq >= lastSeq.current || attempt >= 3) && mine === generation.current) {
            lastSeq.current = Math.max(lastSeq.current, v.seq);
            if (v.serverNow) offset.current = Date.parse(v.serverNow) - Date.now();
            setView(v);
            return;
          }
        }
      } catch {
        // not joined on this connection yet
      }
      await sleep(Math.min(3000, 250 * (attempt + 1)));
    }
  }, [room]);

  useEffect(() => {
    if (!room) return;
    const handler = (raw: RoomEvent) => {
      if (!raw.type.startsWith('quiz.') || raw.seq <= lastSeq.current) return;
      lastSeq.current = raw.seq;
      offset.current = Date.parse(raw.at) - Date.now();
      const e = parseEvent(raw);
      if (!isKnown(e)) return;
      setView((v) => (v ? applyQuizEvent(v, e, teacher) : v));
      // A student's own points and rank are in the state, not in the room's events (spread over half a second).
      if (!teacher && (e.type === 'quiz.results' || e.type === 'quiz.leaderboard'))
        window.setTimeout(() => void refresh(), Math.random() * 500);
    };
    room.connection.on('event', handler);
    return () => room.connection.off('event', handler);
  }, [room, teacher, refresh]);

  // After each (re)connection and whenever the session is held again.
  useEffect(() => {
    if (connection === 'connected') void refresh();
  }, [connection, runId, refresh]);
  useEffect(() => () => { generation.current++; }, []);

  const send = useCallback(async (command: (room: Room) => Promise<void>) => {
    if (!room) return 'network';
    try {
      await command(room);
      return null;
    } catch (e) {
      return e instanceof RoomError ? e.code : 'network';
    }
  }, [room]);

  const update = useCallback((change: (v: QuizView) => QuizView) => setView((v) => (v ? change(v) : v)), []);
  const serverNow = useCallback(() => Date.now() + offset.current, []);
  return { view, serverNow, send, update };
}

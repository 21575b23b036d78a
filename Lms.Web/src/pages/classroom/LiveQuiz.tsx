// The live quiz in the room: the teacher's panel or what a student sees, over the quiz's state (useLiveQuiz).
import type { Connection, Room, RoomModel } from './room';
import { LiveQuizPanel } from './LiveQuizPanel';
import { LiveQuizStudent } from './LiveQuizStudent';
import { useLiveQuiz } from './useLiveQuiz';
import './livequiz.css';

/** The live quiz in the room: the teacher's panel, or what a student sees. */
export function LiveQuiz({ room, sessionId, model, connection }: { room: Room | null; sessionId: string; model: RoomModel; connection: Connection }) {
  const teacher = model.me.role === 'teacher';
  const quiz = useLiveQuiz(room, connection, model.runId, teacher);
  return teacher
    ? <LiveQuizPanel sessionId={sessionId} model={model} quiz={quiz} />
    : <LiveQuizStudent quiz={quiz} meId={model.me.userId} connection={connection} />;
}

// Sending an attempt's queued answers: used by the attempt page (all the time) and by sign-out (once, so a
// shared school computer is left with nothing, and nothing a student gave is lost).
import { ApiError } from '../../api/client';
import { assessment, type RefusedAnswer } from '../../api/assessment';
import { inGivenOrder, offlineStore } from './offlineStore';

export type SendOutcome =
  /** Nothing was waiting. */
  | { kind: 'nothing' }
  /** The server answered: what it refused for good, its clock, and whether the attempt is closed. */
  | { kind: 'sent'; refused: RefusedAnswer[]; serverNow: string | null; closed: boolean }
  /** No network: the answers stay queued, marked as held offline. */
  | { kind: 'offline' };

export async function sendQueued(attemptId: string, device: string): Promise<SendOutcome> {
  const queue = inGivenOrder(await offlineStore.pending(attemptId));
  if (queue.length === 0) return { kind: 'nothing' };
  // Refused because the id was already used for other content: the same answer goes again with a new id.
  const settle = async (accepted: string[], refusedNow: RefusedAnswer[]) => {
    const reused = refusedNow.filter((r) => r.code === 'answer-id-reused').map((r) => r.answerId);
    await offlineStore.renewIds(queue.filter((p) => reused.includes(p.answerId)));
    const final = refusedNow.filter((r) => r.code !== 'answer-id-reused');
    await offlineStore.removePending([...accepted, ...final.map((r) => r.answerId)]);
    return final;
  };
  const held = queue.filter((p) => p.held);
  const oldest = Math.min(...held.map((p) => p.queuedAt ?? Date.parse(p.clientTime)));
  try {
    const result = await assessment.answer(attemptId, device,
      queue.map(({ answerId, slot, response, clientTime }) => ({ answerId, slot, response, clientTime })),
      { clientNow: new Date().toISOString(), queued: held.length > 0, heldMs: held.length > 0 ? Math.max(0, Date.now() - oldest) : undefined });
    return { kind: 'sent', refused: await settle(result.accepted, result.refused), serverNow: result.serverNow, closed: result.status === 'submitted' };
  } catch (e) {
    if (e instanceof ApiError && e.status === 409 && Array.isArray(e.problem.refused)) {
      const refused = await settle([], e.problem.refused as RefusedAnswer[]);
      const closed = e.problem.attemptStatus === 'submitted' || e.problem.code === 'late' || e.problem.code === 'attempt-closed';
      return { kind: 'sent', refused, serverNow: null, closed };
    }
    // Offline, or the server failing over in a cluster (503, Retry-After): kept on the device and sent again.
    if (e instanceof ApiError && (e.status === 0 || e.status === 503)) {
      await offlineStore.holdPending(queue);
      return { kind: 'offline' };
    }
    throw e;
  }
}

// Which of the room's numbered events a page applies, and when. The server sends each event to one or more
// audiences (everyone, the teachers, one person, a breakout group); each audience is a SignalR group, ordered
// within itself but not across groups (the Redis backplane of cluster mode interleaves them freely). So a teacher
// may get a teachers-only event (a poll tally, number 94) before an everyone event (a chat message, 93): applying
// only higher numbers would drop the chat. Instead every event says, per audience, the number of that audience's
// previous event (`after`); a page checks the chains of the audiences it is in, holds an event whose predecessor
// has not come yet, and asks the room for a replay if it does not come soon (a real loss: a server restarted).
import type { RoomEvent } from './events';

/** How many applied numbers are remembered to drop a duplicate (an event both replayed and delivered live). */
const REMEMBERED = 4096;

export class EventOrder {
  private readonly last = new Map<string, number>();
  private audiences = new Set<string>();
  private readonly seen = new Set<number>();
  private readonly seenOrder: number[] = [];
  private held: RoomEvent[] = [];
  /** Everything up to this number is reflected (by the last join's snapshot or replay). */
  private floor = -1;
  private newestSeq: number | null = null;

  /** The newest number applied (for display and diagnostics). */
  get newest() { return this.newestSeq; }

  get holding() { return this.held.length > 0; }

  /**
   * The number to resume from: the newest applied, or, while events are held for a missing predecessor, the last
   * number of each audience with a gap (so the replay brings what is missing). An event lost in flight in an
   * audience is found when that audience's next event arrives. Null before the first join (a fresh join gets a
   * snapshot).
   */
  resumeFrom(): number | null {
    if (this.newestSeq === null) return null;
    let from = this.newestSeq;
    for (const e of this.held) {
      for (const [audience, previous] of Object.entries(e.after ?? {})) {
        const last = this.last.get(audience);
        if (this.audiences.has(audience) && last !== undefined && previous > last) from = Math.min(from, last);
      }
    }
    return Math.max(from, this.floor);
  }

  /** After a join: everything up to `seq` is reflected, and these are the audiences whose chains are checked. */
  joined(seq: number, audiences: string[]) {
    this.floor = Math.max(this.floor, seq);
    this.audiences = new Set(audiences);
    for (const audience of this.audiences) this.last.set(audience, Math.max(this.last.get(audience) ?? -1, seq));
    this.newestSeq = Math.max(this.newestSeq ?? seq, seq);
  }

  /**
   * An event as it arrives: the events to apply now, in order (none if it was seen or is covered by the last join;
   * it alone; or it and the held events it was the missing predecessor of). An event whose predecessor in one of
   * this page's audiences has not come is held (see `holding` and `resumeFrom`).
   */
  offer(e: RoomEvent): RoomEvent[] {
    if (!this.accepts(e)) return [];
    if (this.missesBefore(e)) {
      if (!this.held.some((h) => h.seq === e.seq)) this.held.push(e);
      return [];
    }
    this.mark(e);
    const ready = [e];
    for (let next = this.nextReady(); next; next = this.nextReady()) {
      this.mark(next);
      ready.push(next);
    }
    return ready;
  }

  /** An event of a join's replay: complete and in order as the room sent it, so no chain is checked; false if seen. */
  replayed(e: RoomEvent): boolean {
    if (!this.accepts(e)) return false;
    this.mark(e);
    return true;
  }

  /** False for an event already applied, or one that the last join's snapshot or replay covers. */
  accepts(e: RoomEvent): boolean {
    return e.seq > this.floor && !this.seen.has(e.seq);
  }

  private missesBefore(e: RoomEvent): boolean {
    for (const [audience, previous] of Object.entries(e.after ?? {})) {
      if (!this.audiences.has(audience)) continue;
      const last = this.last.get(audience);
      if (last !== undefined && previous > last) return true;
    }
    return false;
  }

  private nextReady(): RoomEvent | null {
    this.held = this.held.filter((e) => this.accepts(e)).sort((a, b) => a.seq - b.seq);
    const index = this.held.findIndex((e) => !this.missesBefore(e));
    return index < 0 ? null : this.held.splice(index, 1)[0];
  }

  /** The held events, to be offered again after a join (the join's floor drops the ones it covered). */
  takeHeld(): RoomEvent[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  private mark(e: RoomEvent) {
    this.seen.add(e.seq);
    this.seenOrder.push(e.seq);
    if (this.seenOrder.length > REMEMBERED) this.seen.delete(this.seenOrder.shift()!);
    for (const audience of Object.keys(e.after ?? {})) this.last.set(audience, Math.max(this.last.get(audience) ?? -1, e.seq));
    this.newestSeq = Math.max(this.newestSeq ?? e.seq, e.seq);
  }
}

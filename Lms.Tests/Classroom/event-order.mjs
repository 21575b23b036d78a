// The web app's event order (Lms.Web/src/pages/classroom/eventOrder.ts), compiled with the web app's own TypeScript and
// run on the deliveries a page really gets in cluster mode: one SignalR group per audience, each in order, the groups
// interleaved freely by the Redis backplane; an event lost when a server died; an event both replayed and delivered.
// Prints one JSON line per case; exits non-zero on the first broken expectation.
// Usage: node event-order.mjs; LMS_WEB_PACKAGE=<Lms.Web/package.json>
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';

const web = process.env.LMS_WEB_PACKAGE;
const require = createRequire(web);
const ts = require('typescript');
const source = readFileSync(join(dirname(web), 'src', 'pages', 'classroom', 'eventOrder.ts'), 'utf8');
const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
const { EventOrder } = await import('data:text/javascript;base64,' + Buffer.from(js).toString('base64'));

/** The room's side: numbers events and links each to its audiences' previous ones, as ClassroomEventLog does. */
function server() {
  let seq = 100;
  const last = {};
  return (type, ...audiences) => {
    seq++;
    const after = {};
    for (const a of audiences) { after[a] = last[a] ?? 0; last[a] = seq; }
    return { sessionId: 's', seq, type, at: '', data: '{}', after };
  };
}

const teacher = ['u:t', 'all', 'teachers'];
const report = (name, applied) => console.log(JSON.stringify({ case: name, applied }));

{ // A teachers-only tally (94) overtakes an everyone chat (93) on its way: both are applied, the chat is not dropped.
  const emit = server();
  const order = new EventOrder();
  order.joined(100, teacher);
  const chat1 = emit('chat.message', 'all'), tally1 = emit('poll.tally', 'teachers');
  const chat2 = emit('chat.message', 'all'), tally2 = emit('poll.tally', 'teachers');
  const applied = [];
  for (const e of [chat1, tally1, tally2, chat2]) applied.push(...order.offer(e).map((x) => x.seq));
  assert.deepEqual(applied.slice().sort(), [101, 102, 103, 104]);
  assert.equal(order.holding, false);
  report('overtaken-across-audiences', applied);
}

{ // Within one audience an event arrives before its predecessor: it is held, and both are applied in order.
  const emit = server();
  const order = new EventOrder();
  order.joined(100, teacher);
  const a = emit('chat.message', 'all'), b = emit('hand.raised', 'all'), c = emit('chat.message', 'all');
  const applied = [];
  applied.push(...order.offer(a).map((x) => x.seq));
  applied.push(...order.offer(c).map((x) => x.seq));
  assert.equal(order.holding, true);
  assert.equal(order.resumeFrom(), a.seq, 'a replay would start after the last event of the broken chain');
  applied.push(...order.offer(b).map((x) => x.seq));
  assert.deepEqual(applied, [101, 102, 103]);
  assert.equal(order.holding, false);
  report('held-until-predecessor', applied);
}

{ // An event is lost (the server hosting the room died): the next one of its audience is held, the page resumes from
  // before the loss, and the replay brings the lost one once, without applying what it had already.
  const emit = server();
  const order = new EventOrder();
  order.joined(100, teacher);
  const chat1 = emit('chat.message', 'all'), lost = emit('chat.message', 'all'), tally = emit('poll.tally', 'teachers'), chat3 = emit('chat.message', 'all');
  const applied = [];
  for (const e of [chat1, tally, chat3]) applied.push(...order.offer(e).map((x) => x.seq));
  assert.deepEqual(applied, [chat1.seq, tally.seq]);
  assert.equal(order.holding, true);
  const from = order.resumeFrom();
  assert.equal(from, chat1.seq);
  // The room's replay: everything this teacher may see after `from`.
  for (const e of [lost, tally, chat3]) if (order.replayed(e)) applied.push(e.seq);
  order.joined(chat3.seq, teacher);
  for (const e of order.takeHeld()) applied.push(...order.offer(e).map((x) => x.seq));
  assert.deepEqual(applied, [chat1.seq, tally.seq, lost.seq, chat3.seq]);
  report('lost-then-replayed', applied);
}

{ // A student is not in the teachers' audience: the teachers' events it never receives are not gaps to it.
  const emit = server();
  const order = new EventOrder();
  order.joined(100, ['u:s', 'all']);
  const chat1 = emit('chat.message', 'all');
  emit('poll.tally', 'teachers');
  emit('participant.away', 'teachers');
  const chat2 = emit('chat.message', 'all');
  const applied = [...order.offer(chat1), ...order.offer(chat2)].map((x) => x.seq);
  assert.deepEqual(applied, [chat1.seq, chat2.seq]);
  assert.equal(order.holding, false);
  assert.equal(order.resumeFrom(), chat2.seq);
  report('student-skips-teachers-events', applied);
}

{ // After a join, events the snapshot or replay covers (delivered late, or twice) are not applied again.
  const emit = server();
  const order = new EventOrder();
  const early = emit('chat.message', 'all');
  order.joined(early.seq, teacher);
  const next = emit('chat.message', 'all');
  const applied = [...order.offer(early), ...order.offer(next), ...order.offer(next)].map((x) => x.seq);
  assert.deepEqual(applied, [next.seq]);
  report('covered-and-duplicate-dropped', applied);
}

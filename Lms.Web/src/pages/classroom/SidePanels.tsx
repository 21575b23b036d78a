// The side of a live room: tabs for chat, the people (and the waiting room), the raised hands, and the
// teacher's console.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Hand } from 'lucide-react';
import type { LiveSession } from '../../api/classroom';
import { formatTime } from '../../format';
import type { TeacherMedia } from './peer';
import type { RoomModel, Run } from './room';
import { TeacherConsole } from './TeacherConsole';

type Tab = 'chat' | 'people' | 'hands' | 'console';

export function SidePanels({ session, model, teacher, run, meId, teacherMedia, onLocal }: {
  session: LiveSession; model: RoomModel; teacher: boolean; run: Run; meId: string; teacherMedia: TeacherMedia | null;
  onLocal: (s: MediaStream | null) => void;
}) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>(teacher ? 'console' : 'chat');
  const tabs: { id: Tab; label: string }[] = [
    ...(teacher ? [{ id: 'console' as Tab, label: t('live.tab.console') }] : []),
    { id: 'chat', label: t('live.tab.chat') },
    { id: 'people', label: t('live.tab.people', { count: model.count }) },
    { id: 'hands', label: t('live.tab.hands', { count: model.hands.length }) },
  ];
  return (
    <div className="live-panels">
      <div className="tabs" role="tablist" aria-label={t('live.panels')}>
        {tabs.map((x) => (
          <button key={x.id} type="button" role="tab" id={`live-tab-${x.id}`} aria-selected={tab === x.id} aria-controls={`live-panel-${x.id}`}
                  className={tab === x.id ? 'tab tab-current' : 'tab'} onClick={() => setTab(x.id)}>{x.label}</button>
        ))}
      </div>
      <div role="tabpanel" id={`live-panel-${tab}`} aria-labelledby={`live-tab-${tab}`} className="tab-panel live-panel">
        {tab === 'chat' && <ChatPanel model={model} teacher={teacher} run={run} meId={meId} />}
        {tab === 'people' && <PeoplePanel model={model} teacher={teacher} run={run} />}
        {tab === 'hands' && <HandsPanel model={model} teacher={teacher} run={run} />}
        {tab === 'console' && teacher && <TeacherConsole session={session} model={model} run={run} media={teacherMedia} onLocal={onLocal} />}
      </div>
    </div>
  );
}

function ChatPanel({ model, teacher, run, meId }: { model: RoomModel; teacher: boolean; run: Run; meId: string }) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => { list.current?.lastElementChild?.scrollIntoView({ block: 'nearest' }); }, [model.chat.length]);
  const off = !teacher && !model.settings.studentChat;
  async function send(e: FormEvent) {
    e.preventDefault();
    const value = text.trim();
    if (!value) return;
    if (await run((r) => r.sendChat(value))) setText('');
  }
  return (
    <div className="live-chat">
      {model.me.breakout && <p className="muted small">{t('live.breakout.inGroup', { n: model.me.breakout })}</p>}
      <ol className="live-chat-list" ref={list} aria-label={t('live.tab.chat')} aria-live="polite">
        {model.chat.length === 0 && <li className="muted small">{t('live.chatEmpty')}</li>}
        {model.chat.map((c) => (
          <li key={c.id} data-testid="chat-message" className={c.userId === meId ? 'mine' : undefined}>
            <span className="live-chat-who">{c.name}{c.role === 'teacher' && ` · ${t('live.teacher')}`}{c.group ? ` · ${t('live.breakout.group', { n: c.group })}` : ''}</span>
            <span className="muted small"> {formatTime(c.at, i18n.language)}</span>
            {c.deleted ? <p className="muted small"><em>{t('live.chatDeleted')}</em></p> : <p>{c.text}</p>}
            {teacher && !c.deleted && (
              <button type="button" className="btn btn-small btn-quiet" onClick={() => void run((r) => r.deleteChat(c.id))}
                      aria-label={t('live.deleteMessage', { name: c.name })}>{t('common.delete')}</button>
            )}
          </li>
        ))}
      </ol>
      {off ? <p className="muted small" data-testid="chat-off">{t('live.chatOff')}</p> : (
        <form className="live-chat-form" onSubmit={send}>
          <label className="visually-hidden" htmlFor="live-chat-input">{t('live.message')}</label>
          <input id="live-chat-input" value={text} maxLength={1000} onChange={(e) => setText(e.target.value)} placeholder={t('live.messagePlaceholder')}
                 aria-label={t('live.message')} autoComplete="off" />
          <button type="submit" className="btn btn-primary" disabled={!text.trim()}>{t('live.send')}</button>
        </form>
      )}
    </div>
  );
}

function PeoplePanel({ model, teacher, run }: { model: RoomModel; teacher: boolean; run: Run }) {
  const { t } = useTranslation();
  const people = [...model.participants].sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'teacher' ? -1 : 1));
  return (
    <div>
      {teacher && model.waiting && model.waiting.length > 0 && (
        <section aria-label={t('live.waitingRoom')} data-testid="waiting-list">
          <h3>{t('live.waitingRoom')} ({model.waiting.length})</h3>
          <button type="button" className="btn btn-small" onClick={() => void run((r) => r.admit(null))}>{t('live.admitAll')}</button>
          <ul className="live-people">
            {model.waiting.map((w) => (
              <li key={w.userId}><span>{w.name}</span>
                <button type="button" className="btn btn-small btn-primary" onClick={() => void run((r) => r.admit(w.userId))}>{t('live.admit')}</button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {people.length < model.count && <p className="muted small">{t('live.bigRoom', { count: model.count })}</p>}
      <ul className="live-people" aria-label={t('live.tab.people', { count: model.count })}>
        {people.map((p) => (
          <li key={p.userId} data-testid="participant" className={p.online ? undefined : 'away'}>
            <span>
              {p.hand && <span aria-label={t('live.handUp')}><Hand aria-hidden="true" className="icon-inline" /> </span>}{p.name}
              <span className="muted small"> {p.role === 'teacher' ? t('live.teacher') : ''}{!p.online ? ` · ${t('live.reconnecting')}` : ''}
                {p.media !== 'full' ? ` · ${t(p.media === 'audio' ? 'live.mediaAudio' : 'live.mediaLow')}` : ''}
                {p.breakout ? ` · ${t('live.breakout.group', { n: p.breakout })}` : ''}</span>
            </span>
            {teacher && p.role !== 'teacher' && (
              <span className="toolbar">
                {model.floor?.userId === p.userId
                  ? <button type="button" className="btn btn-small" onClick={() => void run((r) => r.takeFloor())}>{t('live.takeFloor')}</button>
                  : <button type="button" className="btn btn-small" onClick={() => void run((r) => r.giveFloor(p.userId, true))}>{t('live.giveFloor')}</button>}
                <button type="button" className="btn btn-small" onClick={() => void run((r) => r.mute(p.userId))}>{t('live.mute')}</button>
                <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => void run((r) => r.remove(p.userId))}
                        aria-label={t('live.removeWho', { name: p.name })}>{t('live.remove')}</button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function HandsPanel({ model, teacher, run }: { model: RoomModel; teacher: boolean; run: Run }) {
  const { t, i18n } = useTranslation();
  if (model.hands.length === 0) return <p className="muted small" data-testid="no-hands">{t('live.noHands')}</p>;
  return (
    <ol className="live-people" aria-label={t('live.handsQueue')}>
      {model.hands.map((h) => (
        <li key={h.userId} data-testid="hand">
          <span><Hand aria-hidden="true" className="icon-inline" /> {h.name} <span className="muted small">{formatTime(h.at, i18n.language)}</span></span>
          {teacher && (
            <span className="toolbar">
              <button type="button" className="btn btn-small btn-primary" onClick={() => void run((r) => r.giveFloor(h.userId, true))}>{t('live.giveFloor')}</button>
              <button type="button" className="btn btn-small" onClick={() => void run((r) => r.clearHand(h.userId))}
                      aria-label={t('live.clearHandOf', { name: h.name })}>{t('live.clearHand')}</button>
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}

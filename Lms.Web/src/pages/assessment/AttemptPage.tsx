import './assessment.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { assessment, type AttemptView, type QuestionResponse, type RefusedAnswer } from '../../api/assessment';
import { ErrorMessage, Loading, useTitle } from '../../components/common';
import { deviceId, inGivenOrder, nextOrder, offlineStore, type PendingAnswer } from './offlineStore';
import { sendQueued } from './answerQueue';
import { QuestionInput } from './QuestionInput';

function answered(r: QuestionResponse | undefined): boolean {
  if (!r) return false;
  return r.choice !== undefined || (r.choices?.length ?? 0) > 0 || r.value !== undefined || !!r.text?.trim()
    || Object.values(r.pairs ?? {}).some(Boolean) || (r.order?.length ?? 0) > 0 || Object.values(r.blanks ?? {}).some(Boolean);
}

function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${two(m)}:${two(sec)}`;
}

/**
 * Taking a quiz, phone first. Every answer goes to IndexedDB first (with the time it was given on this
 * device's clock, and its place in the order given), then to the server; it leaves IndexedDB only when the
 * server has acknowledged it. Without network the page keeps working and syncs when the network is back,
 * saying that the batch comes from its offline queue and how long it was held; the server estimates this
 * device's clock offset from the clock sent with each batch. The timer counts down to the server's
 * deadline, corrected by the server's clock.
 */
export function AttemptPage() {
  const { t } = useTranslation();
  const { attemptId = '' } = useParams();
  const navigate = useNavigate();
  const device = useMemo(() => deviceId(), []);
  const [view, setView] = useState<AttemptView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [responses, setResponses] = useState<Record<string, QuestionResponse>>({});
  const [flagged, setFlagged] = useState<number[]>([]);
  const [offset, setOffset] = useState(0);
  const [online, setOnline] = useState(typeof navigator === 'undefined' ? true : navigator.onLine);
  const [pending, setPending] = useState(0);
  const [syncing, setSyncing] = useState(false);
  const [refused, setRefused] = useState<RefusedAnswer[]>([]);
  const [index, setIndex] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [confirming, setConfirming] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [fromCache, setFromCache] = useState(false);
  const [fullScreen, setFullScreen] = useState(() => !!document.fullscreenElement);
  const syncingRef = useRef(false);
  const typingTimers = useRef<Record<number, number>>({});
  const events = useRef<{ kind: string; at: string; detail?: string }[]>([]);
  const offsetRef = useRef(0);
  useTitle(view?.quizTitle);

  const adoptServerTime = useCallback((iso: string) => {
    const o = new Date(iso).getTime() - Date.now();
    offsetRef.current = o;
    setOffset(o);
  }, []);

  const refreshPending = useCallback(async () => setPending((await offlineStore.pending(attemptId)).length), [attemptId]);

  const load = useCallback(async () => {
    try {
      const v = await assessment.attempt(attemptId, device);
      adoptServerTime(v.serverNow);
      const local = await offlineStore.pending(attemptId);
      const merged: Record<string, QuestionResponse> = { ...v.responses };
      for (const p of inGivenOrder(local)) merged[p.slot] = p.response;
      setView(v);
      setResponses(merged);
      setFlagged(v.flagged);
      setFromCache(false);
      setOnline(true);
      await offlineStore.saveAttempt({ ...v, responses: merged });
      setPending(local.length);
    } catch (e) {
      if (e instanceof ApiError && e.status === 0) {
        const cached = await offlineStore.loadAttempt(attemptId);
        if (cached) {
          const local = await offlineStore.pending(attemptId);
          const merged = { ...cached.responses };
          for (const p of inGivenOrder(local)) merged[p.slot] = p.response;
          setView(cached);
          setResponses(merged);
          setFlagged(cached.flagged);
          setFromCache(true);
          setOnline(false);
          setPending(local.length);
          return;
        }
      }
      setError(e);
    }
  }, [attemptId, device, adoptServerTime]);

  useEffect(() => { void load(); }, [load]);

  const sync = useCallback(async () => {
    if (syncingRef.current) return;
    syncingRef.current = true;
    setSyncing(true);
    try {
      const outcome = await sendQueued(attemptId, device);
      if (outcome.kind === 'sent') {
        if (outcome.serverNow) adoptServerTime(outcome.serverNow);
        if (outcome.refused.length > 0) setRefused((x) => [...x, ...outcome.refused]);
        if (outcome.closed) setView((v) => v && { ...v, status: 'submitted' });
        setOnline(true);
      } else if (outcome.kind === 'offline') setOnline(false);
      if (events.current.length > 0) {
        const batch = events.current.splice(0);
        try {
          await assessment.events(attemptId, device, batch);
        } catch (e) {
          // A submitted attempt takes no more events (409): they are dropped, not sent again on every tick.
          if (!(e instanceof ApiError && e.status === 409)) events.current.unshift(...batch);
        }
      }
    } finally {
      syncingRef.current = false;
      setSyncing(false);
      await refreshPending();
    }
  }, [attemptId, device, adoptServerTime, refreshPending]);

  // Retry while anything waits; react to the network coming and going.
  useEffect(() => {
    const tick = window.setInterval(() => {
      setNow(Date.now());
    }, 500);
    const retry = window.setInterval(() => { void sync(); }, 3000);
    const goOnline = () => { setOnline(true); void sync(); report('online'); };
    const goOffline = () => { setOnline(false); report('offline'); };
    window.addEventListener('online', goOnline);
    window.addEventListener('offline', goOffline);
    return () => {
      window.clearInterval(tick);
      window.clearInterval(retry);
      window.removeEventListener('online', goOnline);
      window.removeEventListener('offline', goOffline);
    };
  }, [sync]);

  function report(kind: string, detail?: string) {
    events.current.push({ kind, at: new Date(Date.now() + offsetRef.current).toISOString(), detail });
  }

  // Integrity signals: leaving the tab, leaving full screen, pasting.
  useEffect(() => {
    const visibility = () => report(document.hidden ? 'tab-hidden' : 'tab-visible');
    const fs = () => {
      const inFs = !!document.fullscreenElement;
      setFullScreen(inFs);
      report(inFs ? 'fullscreen-enter' : 'fullscreen-exit');
    };
    const paste = (e: ClipboardEvent) => report('paste', `${e.clipboardData?.getData('text')?.length ?? 0} characters`);
    document.addEventListener('visibilitychange', visibility);
    document.addEventListener('fullscreenchange', fs);
    document.addEventListener('paste', paste);
    return () => {
      document.removeEventListener('visibilitychange', visibility);
      document.removeEventListener('fullscreenchange', fs);
      document.removeEventListener('paste', paste);
    };
  }, []);

  const deadline = view?.deadlineAt ? new Date(view.deadlineAt).getTime() : null;
  const remaining = deadline === null ? null : deadline - (now + offset);
  const timeUp = remaining !== null && remaining <= 0;
  const closed = view?.status === 'submitted';
  const locked = closed || timeUp || !view?.owner;

  // After the deadline (and its grace) the server has submitted: look again.
  useEffect(() => {
    if (!timeUp || closed || !view) return;
    const wait = window.setTimeout(() => { void sync().then(load); }, (view.graceSeconds + 1) * 1000);
    return () => window.clearTimeout(wait);
  }, [timeUp, closed, view, sync, load]);

  async function record(slot: number, response: QuestionResponse) {
    const given = Date.now();
    const item: PendingAnswer = {
      attemptId, answerId: crypto.randomUUID(), slot, response, clientTime: new Date(given).toISOString(),
      order: nextOrder(), queuedAt: given, held: !navigator.onLine,
    };
    await offlineStore.addPending(item);
    await refreshPending();
    void sync();
  }

  function change(slot: number, response: QuestionResponse, typing?: boolean) {
    if (locked) return;
    setResponses((r) => ({ ...r, [slot]: response }));
    window.clearTimeout(typingTimers.current[slot]);
    if (typing) typingTimers.current[slot] = window.setTimeout(() => void record(slot, response), 800);
    else void record(slot, response);
  }

  async function toggleFlag(slot: number) {
    const on = !flagged.includes(slot);
    setFlagged((f) => (on ? [...f, slot] : f.filter((x) => x !== slot)));
    try { await assessment.flag(attemptId, device, slot, on); } catch { /* kept on this screen; flags are a reminder */ }
  }

  async function submit() {
    setSubmitError(null);
    await sync();
    const left = await offlineStore.pending(attemptId);
    if (left.length > 0) {
      setSubmitError(new ApiError(0, { type: 'urn:lms:problem:network', title: 'offline' }));
      return;
    }
    try {
      await assessment.submit(attemptId);
      navigate(`/attempts/${attemptId}/review`);
    } catch (e) {
      setSubmitError(e);
    }
  }

  if (!view) {
    return <div className="page">{error ? <ErrorMessage error={error} onRetry={() => void load()} /> : <Loading />}</div>;
  }

  const questions = view.questions;
  const current = questions[Math.min(index, questions.length - 1)];
  const shown = view.layout === 'all' ? questions : current ? [current] : [];
  const answeredCount = questions.filter((q) => answered(responses[q.slot])).length;
  const state = !online ? 'offline' : pending > 0 || syncing ? 'syncing' : 'saved';

  return (
    <div className="page attempt-page" data-testid="attempt-page" data-status={view.status}>
      <header className="attempt-bar">
        <div className="attempt-title">
          <h1>{view.quizTitle}</h1>
          <p className="muted small">{t('attempt.number', { n: view.number })} · {t('attempt.progress', { done: answeredCount, total: questions.length })}</p>
        </div>
        {remaining !== null && !closed && (
          <div className={remaining < 60_000 ? 'timer timer-low' : 'timer'} role="timer" aria-live="off" data-testid="timer"
               aria-label={t('attempt.timeLeft')}>
            {timeUp ? t('attempt.timeUp') : clock(remaining)}
          </div>
        )}
      </header>
      <p className={`connection connection-${state}`} role="status" data-testid="connection" data-state={state}>
        {state === 'offline' && t('attempt.offline', { count: pending })}
        {state === 'syncing' && t('attempt.syncing', { count: pending })}
        {state === 'saved' && t('attempt.saved')}
        <span className="visually-hidden" data-testid="pending-count">{pending}</span>
      </p>
      {fromCache && <p className="alert alert-warning" role="status">{t('attempt.fromCache')}</p>}
      {refused.length > 0 && (
        <div className="alert alert-error" role="alert" data-testid="refused">
          <p>{t('attempt.refused', { count: refused.length })}</p>
          <ul>{[...new Set(refused.map((r) => t(`attempt.refusal.${r.code}`, { defaultValue: r.message })))].map((m) => <li key={m}>{m}</li>)}</ul>
        </div>
      )}
      {timeUp && !closed && <p className="alert alert-warning" role="alert">{t('attempt.timeUpNote')}</p>}
      {closed && (
        <div className="alert alert-success" role="status" data-testid="attempt-closed">
          <p>{view.owner ? t('attempt.submitted') : t('attempt.teacherView')}</p>
          <Link className="btn btn-primary" to={`/attempts/${view.id}/review`}>{t('attempt.seeReview')}</Link>
        </div>
      )}
      {view.requireFullScreen && !fullScreen && !locked && (
        <div className="alert alert-warning fullscreen-gate" role="alert">
          <p>{t('attempt.fullScreenRequired')}</p>
          <button type="button" className="btn btn-primary" onClick={() => void document.documentElement.requestFullscreen?.().catch(() => undefined)}>
            {t('attempt.enterFullScreen')}
          </button>
        </div>
      )}

      {view.layout === 'one' && questions.length > 1 && (
        <nav className="question-nav" aria-label={t('attempt.questions')}>
          {questions.map((q, i) => (
            <button key={q.slot} type="button" onClick={() => setIndex(i)} aria-current={i === index ? 'step' : undefined}
                    className={['qnav', answered(responses[q.slot]) ? 'qnav-answered' : '', flagged.includes(q.slot) ? 'qnav-flagged' : '', i === index ? 'qnav-current' : ''].join(' ')}
                    aria-label={t('attempt.goTo', { n: i + 1 })}>
              {i + 1}{flagged.includes(q.slot) ? '⚑' : ''}
            </button>
          ))}
        </nav>
      )}

      {!(view.requireFullScreen && !fullScreen && !locked) && shown.map((q) => (
        <section key={q.slot} className="card question-card" aria-labelledby={`q-${q.slot}`} data-testid="question" data-slot={q.slot}>
          <div className="question-head">
            <h2 id={`q-${q.slot}`}>{t('attempt.question', { n: questions.indexOf(q) + 1, total: questions.length })}</h2>
            <span className="muted small">{t('attempt.points', { count: q.points })}</span>
            {!locked && (
              <button type="button" className={flagged.includes(q.slot) ? 'btn btn-small flag on' : 'btn btn-small flag'}
                      aria-pressed={flagged.includes(q.slot)} onClick={() => void toggleFlag(q.slot)}>
                ⚑ {t('attempt.flag')}
              </button>
            )}
          </div>
          {q.section && <p className="muted small">{q.section}</p>}
          <QuestionInput question={q} response={responses[q.slot]} readOnly={locked}
                         onChange={(r, typing) => change(q.slot, r, typing)} />
        </section>
      ))}

      {view.layout === 'one' && questions.length > 1 && (
        <nav className="item-nav" aria-label={t('attempt.questionNavigation')}>
          <button type="button" className="btn" disabled={index === 0} onClick={() => setIndex((i) => i - 1)}>← {t('attempt.previous')}</button>
          <button type="button" className="btn btn-primary" disabled={index >= questions.length - 1} onClick={() => setIndex((i) => i + 1)}>
            {t('attempt.next')} →
          </button>
        </nav>
      )}

      {!locked && (
        <div className="card submit-box">
          {confirming ? (
            <>
              <p>{t('attempt.confirmSubmit', { done: answeredCount, total: questions.length })}</p>
              <div className="actions">
                <button type="button" className="btn btn-primary" onClick={() => void submit()} data-testid="confirm-submit">{t('attempt.submitNow')}</button>
                <button type="button" className="btn" onClick={() => setConfirming(false)}>{t('common.cancel')}</button>
              </div>
            </>
          ) : (
            <button type="button" className="btn btn-primary" onClick={() => setConfirming(true)} data-testid="submit">{t('attempt.submit')}</button>
          )}
          {submitError != null && (submitError instanceof ApiError && submitError.status === 0
            ? <p className="alert alert-warning" role="alert">{t('attempt.cannotSubmitOffline')}</p>
            : <ErrorMessage error={submitError} />)}
        </div>
      )}
    </div>
  );
}

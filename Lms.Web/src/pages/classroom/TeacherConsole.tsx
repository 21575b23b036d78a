// The teacher's console: start and end the lesson, their own microphone, camera and screen, the room's
// rules (lock, waiting room, chat, media), a new poll and the breakout groups.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Mic, MicOff, MonitorUp, MonitorX, Video, VideoOff } from 'lucide-react';
import type { LiveSession } from '../../api/classroom';
import { BreakoutForm } from './BreakoutForm';
import type { TeacherMedia } from './peer';
import type { MediaMode, RoomModel, Run } from './room';

export function TeacherConsole({ session, model, run, media, onLocal }: {
  session: LiveSession; model: RoomModel; run: Run; media: TeacherMedia | null; onLocal: (s: MediaStream | null) => void;
}) {
  const { t } = useTranslation();
  const live = model.status === 'live';
  const [mic, setMic] = useState(true);
  const [camera, setCamera] = useState(true);
  const [screen, setScreen] = useState(false);
  const [ending, setEnding] = useState(false);
  return (
    <div className="live-console" data-testid="teacher-console">
      {!live && model.status === 'ended' ? (
        // The records come first (on the stage); holding the lesson again is possible while it is still scheduled.
        session.next && (
          <button type="button" className="btn btn-block" onClick={() => void run((r) => r.startSession())}>{t('live.startAgain')}</button>
        )
      ) : !live ? (
        <button type="button" className="btn btn-primary btn-block" onClick={() => void run((r) => r.startSession())}>{t('live.start')}</button>
      ) : ending ? (
        <span className="confirm" role="group" aria-label={t('live.end')}>
          <button type="button" className="btn btn-danger" onClick={() => { setEnding(false); void run((r) => r.endSession()); }}>{t('live.confirmEnd')}</button>
          <button type="button" className="btn" onClick={() => setEnding(false)}>{t('common.cancel')}</button>
        </span>
      ) : (
        <button type="button" className="btn btn-danger-quiet" onClick={() => setEnding(true)}>{t('live.end')}</button>
      )}

      {live && session.mediaProvider === 'p2p' && (
        <fieldset className="live-group">
          <legend>{t('live.myMediaControls')}</legend>
          <button type="button" className="btn btn-small" aria-pressed={mic} onClick={() => { media?.setMic(!mic); setMic(!mic); }}>
            {mic ? <Mic aria-hidden="true" /> : <MicOff aria-hidden="true" />} {mic ? t('live.micOn') : t('live.micOff')}</button>
          <button type="button" className="btn btn-small" aria-pressed={camera} onClick={() => { media?.setCamera(!camera); setCamera(!camera); }}>
            {camera ? <Video aria-hidden="true" /> : <VideoOff aria-hidden="true" />} {camera ? t('live.cameraOn') : t('live.cameraOff')}</button>
          <button type="button" className="btn btn-small" aria-pressed={screen} onClick={async () => {
            if (screen) { media?.stopScreen(); setScreen(false); }
            else if (media) { try { setScreen(await media.shareScreen()); } catch { setScreen(false); } }
            onLocal(media?.local ?? null);
          }}>{screen ? <MonitorX aria-hidden="true" /> : <MonitorUp aria-hidden="true" />} {screen ? t('live.stopScreen') : t('live.shareScreen')}</button>
        </fieldset>
      )}

      <fieldset className="live-group">
        <legend>{t('live.roomRules')}</legend>
        <Toggle label={t('live.lock')} checked={model.settings.locked} onChange={(v) => void run((r) => r.setLock(v))} />
        <Toggle label={t('live.waitingRoomOn')} checked={model.settings.waitingRoom} onChange={(v) => void run((r) => r.setWaitingRoom(v))} />
        <Toggle label={t('live.studentChat')} checked={model.settings.studentChat} onChange={(v) => void run((r) => r.setStudentChat(v))} />
        <label className="field">
          <span>{t('live.roomMedia')}</span>
          <select value={model.settings.mediaMode} onChange={(e) => void run((r) => r.setMediaMode(e.target.value as MediaMode))}>
            <option value="video">{t('live.roomMediaVideo')}</option>
            <option value="audio">{t('live.roomMediaAudio')}</option>
            <option value="off">{t('live.roomMediaOff')}</option>
          </select>
        </label>
      </fieldset>

      {live && <PollForm run={run} />}
      {live && <BreakoutForm model={model} run={run} />}
    </div>
  );
}

function Toggle({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label className="live-toggle">
      <input type="checkbox" role="switch" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>{label}</span>
    </label>
  );
}

function PollForm({ run }: { run: Run }) {
  const { t } = useTranslation();
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState(['', '']);
  const [multiple, setMultiple] = useState(false);
  const [anonymous, setAnonymous] = useState(false);
  const ready = question.trim() && options.filter((o) => o.trim()).length >= 2;
  async function open(e: FormEvent) {
    e.preventDefault();
    if (!ready) return;
    if (await run((r) => r.openPoll(question.trim(), options.map((o) => o.trim()).filter(Boolean), multiple, anonymous))) {
      setQuestion('');
      setOptions(['', '']);
    }
  }
  return (
    <form className="live-group" onSubmit={open} aria-label={t('live.poll.new')}>
      <h3>{t('live.poll.new')}</h3>
      <label className="field"><span>{t('live.poll.question')}</span>
        <input value={question} maxLength={500} onChange={(e) => setQuestion(e.target.value)} /></label>
      {options.map((o, i) => (
        <label key={i} className="field"><span>{t('live.poll.option', { n: i + 1 })}</span>
          <input value={o} maxLength={200} onChange={(e) => setOptions(options.map((x, j) => (j === i ? e.target.value : x)))} /></label>
      ))}
      {options.length < 10 && (
        <button type="button" className="btn btn-small btn-quiet" onClick={() => setOptions([...options, ''])}>+ {t('live.poll.addOption')}</button>
      )}
      <Toggle label={t('live.poll.multiple')} checked={multiple} onChange={setMultiple} />
      <Toggle label={t('live.poll.anonymous')} checked={anonymous} onChange={setAnonymous} />
      <button type="submit" className="btn btn-primary" disabled={!ready}>{t('live.poll.open')}</button>
    </form>
  );
}

// A student's bar in a live room: hand up or down, reactions, and the media they can take (full, low, audio).
import { useTranslation } from 'react-i18next';
import { Hand } from 'lucide-react';
import { REACTIONS, canShowEmoji } from './reactions';
import type { MyMedia, RoomModel, Run } from './room';

export function StudentBar({ model, run, poorLink, onDismissPoor }: { model: RoomModel; run: Run; poorLink: boolean; onDismissPoor: () => void }) {
  const { t } = useTranslation();
  const hand = model.me.hand !== null;
  return (
    <div className="live-bar" role="toolbar" aria-label={t('live.actions')}>
      <button type="button" className={hand ? 'btn btn-primary' : 'btn'} aria-pressed={hand} data-testid="hand-button"
              onClick={() => void run((r) => (hand ? r.lowerHand() : r.raiseHand()))}>
        <Hand aria-hidden="true" /> {hand ? t('live.lowerHand') : t('live.raiseHand')}
      </button>
      <div className="live-emoji" role="group" aria-label={t('live.react')}>
        {REACTIONS.map(({ emoji, name }) => (
          <button key={emoji} type="button" className="btn btn-small btn-quiet" aria-label={t('live.reactWith', { emoji: t(`live.reaction.${name}`) })}
                  data-testid={`react-${name}`} onClick={() => void run((r) => r.react(emoji))}>
            {canShowEmoji() ? emoji : <span className="live-reaction-word">{t(`live.reaction.${name}`)}</span>}
          </button>
        ))}
      </div>
      <label className="live-mode">
        <span>{t('live.myMedia')}</span>
        <select value={model.me.media} onChange={(e) => void run((r) => r.setMyMedia(e.target.value as MyMedia))} data-testid="media-mode">
          <option value="full">{t('live.mediaFull')}</option>
          <option value="low">{t('live.mediaLow')}</option>
          <option value="audio">{t('live.mediaAudio')}</option>
        </select>
      </label>
      {poorLink && model.me.media === 'full' && (
        <p className="alert alert-info small" role="status" data-testid="poor-link">
          {t('live.poorLink')}{' '}
          <button type="button" className="btn btn-small" onClick={() => void run((r) => r.setMyMedia('low'))}>{t('live.mediaLow')}</button>{' '}
          <button type="button" className="btn btn-small" onClick={() => void run((r) => r.setMyMedia('audio'))}>{t('live.mediaAudio')}</button>{' '}
          <button type="button" className="btn btn-small btn-quiet" onClick={onDismissPoor}>{t('common.cancel')}</button>
        </p>
      )}
    </div>
  );
}

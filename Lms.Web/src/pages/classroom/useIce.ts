// Peer to peer: the STUN/TURN servers and a TURN credential minted for this person by the server (GET …/media),
// fetched when the lesson is live and fetched again before the credential expires (the connections then restart
// ICE with it). Connections wait for the first answer, so none starts without the TURN server.
import { useEffect, useState } from 'react';
import { classroomApi } from '../../api/classroom';
import { rtcConfiguration, type IceConfig, type StudentMedia, type TeacherMedia } from './peer';

/** Whether a TURN server is configured (null until the server has answered). */
export function useIce(sessionId: string, enabled: boolean, media: () => TeacherMedia | StudentMedia | null): boolean | null {
  const [turn, setTurn] = useState<boolean | null>(null);
  useEffect(() => {
    const m = media();
    if (!enabled || !m) return;
    let stopped = false;
    let timer: number | undefined;
    const fetchIce = (): Promise<IceConfig & { turn: boolean; expiresAt?: string | null }> =>
      classroomApi.media(sessionId).then((join) => join.ice ?? { servers: [], relay: false, turn: false, expiresAt: null });
    const renewIn = (expiresAt: string | null | undefined) => {
      if (!expiresAt || stopped) return;
      // At four fifths of the credential's life, never more often than once a minute (a phone's clock may be off).
      const ms = Math.max(60_000, (Date.parse(expiresAt) - Date.now()) * 0.8);
      timer = window.setTimeout(() => void renew(), ms);
    };
    const renew = async () => {
      try {
        const ice = await fetchIce();
        if (stopped) return;
        void m.renewIce(rtcConfiguration(ice));
        renewIn(ice.expiresAt);
      } catch {
        if (!stopped) timer = window.setTimeout(() => void renew(), 30_000);
      }
    };
    const first = fetchIce();
    m.iceConfig = first.then(rtcConfiguration, () => rtcConfiguration(null));
    first.then((ice) => {
      if (stopped) return;
      setTurn(ice.turn);
      renewIn(ice.expiresAt);
    }, () => {});
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sessionId, enabled]);
  return turn;
}

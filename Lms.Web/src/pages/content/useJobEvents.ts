import { useEffect, useRef } from 'react';
import { contentHub, type JobEvent } from '../../api/content';

/**
 * Follows an item's processing over SignalR (/hubs/content): the latest job as soon as it is
 * watched, then every change the worker makes. Watches again after a reconnect.
 */
export function useJobEvents(itemId: string | undefined, enabled: boolean, onEvent: (event: JobEvent) => void) {
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    if (!itemId || !enabled) return;
    let stopped = false;
    let cleanup: (() => void) | null = null;
    contentHub().then((hub) => {
      if (stopped) return;
      const onJob = (event: JobEvent) => {
        if (event.itemId === itemId) handler.current(event);
      };
      const watch = () => hub.invoke<JobEvent | null>('WatchItem', itemId).then((latest) => {
        if (latest && !stopped) handler.current(latest);
      }, () => undefined);
      hub.on('job', onJob);
      hub.onreconnected(() => void watch());
      void watch();
      cleanup = () => {
        hub.off('job', onJob);
        hub.invoke('UnwatchItem', itemId).catch(() => undefined);
      };
    }, () => undefined);
    return () => {
      stopped = true;
      cleanup?.();
    };
  }, [itemId, enabled]);
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contactBookApi } from '../../api/contactBook';
import { errorText } from '../../errors';

type PushState = 'unsupported' | 'denied' | 'off' | 'on' | 'busy';

const fromBase64Url = (text: string) => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
};

async function registration(): Promise<ServiceWorkerRegistration | undefined> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) return undefined;
  return navigator.serviceWorker.getRegistration();
}

/**
 * Push notifications on this device: subscribes through the app's service worker with the server's VAPID key
 * (PushManager.subscribe) and hands the subscription to the server; or takes it back.
 */
export function ContactPushSettings() {
  const { t } = useTranslation();
  const [state, setState] = useState<PushState>('busy');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    void (async () => {
      const worker = await registration();
      if (!worker) return setState('unsupported');
      if (Notification.permission === 'denied') return setState('denied');
      setState((await worker.pushManager.getSubscription()) ? 'on' : 'off');
    })();
  }, []);

  async function turnOn() {
    setError(null);
    setState('busy');
    try {
      if ((await Notification.requestPermission()) !== 'granted') return setState('denied');
      const worker = await navigator.serviceWorker.ready;
      const { publicKey } = await contactBookApi.pushKey();
      const subscription = await worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64Url(publicKey) });
      const json = subscription.toJSON();
      await contactBookApi.subscribePush({ endpoint: subscription.endpoint, p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' });
      setState('on');
    } catch (e) {
      setError(e);
      setState('off');
    }
  }

  async function turnOff() {
    setError(null);
    setState('busy');
    try {
      const subscription = await (await registration())?.pushManager.getSubscription();
      if (subscription) {
        await contactBookApi.unsubscribePush(subscription.endpoint);
        await subscription.unsubscribe();
      }
      setState('off');
    } catch (e) {
      setError(e);
      setState('on');
    }
  }

  return (
    <section className="card contact-form" aria-labelledby="push-title" data-testid="push-settings">
      <h2 id="push-title">{t('contactBook.push.title')}</h2>
      <p role="status" data-testid="push-state">{t(`contactBook.push.${state}`)}</p>
      {state === 'off' && <button type="button" className="btn btn-primary" onClick={() => void turnOn()} data-testid="push-on">{t('contactBook.push.turnOn')}</button>}
      {state === 'on' && <button type="button" className="btn" onClick={() => void turnOff()} data-testid="push-off">{t('contactBook.push.turnOff')}</button>}
      {error != null && <p className="field-error" role="alert">{error instanceof Error && !('problem' in error) ? t('contactBook.push.failed') : errorText(t, error)}</p>}
    </section>
  );
}

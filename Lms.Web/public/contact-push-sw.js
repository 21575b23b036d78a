// The contact book's Web Push in the service worker (imported by the generated sw.js: vite.config.ts, workbox.importScripts).
// A push carries {title, body, url, tag}, already in the reader's language: it is shown as a notification, and the open
// pages of the app are told (they reload their list). A tap on the notification opens (or focuses) the thread.
self.addEventListener('push', (event) => {
  let notice = {};
  try {
    notice = event.data ? event.data.json() : {};
  } catch {
    notice = { body: event.data ? event.data.text() : '' };
  }
  const title = notice.title || 'Lms';
  const url = typeof notice.url === 'string' && notice.url.startsWith('/') ? notice.url : '/contact-book';
  event.waitUntil((async () => {
    await self.registration.showNotification(title, {
      body: notice.body || '', tag: notice.tag, data: { url }, icon: '/icon.svg', badge: '/icon.svg', lang: 'vi',
    });
    const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const page of pages) page.postMessage({ type: 'contact-book-push', title, url });
  })());
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || '/contact-book';
  event.waitUntil((async () => {
    const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = pages.find((page) => new URL(page.url).pathname === url);
    if (open) return open.focus();
    return self.clients.openWindow(url);
  })());
});

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import './i18n';
import './styles.css';
import { AuthProvider } from './auth/AuthContext';
import { App } from './App';
import { appContainer, rememberForServer } from './serverPage';

rememberForServer();
// A page the server rendered stays on screen until the app's own is ready (serverPage.ts).
createRoot(appContainer()).render(
  <StrictMode>
    <BrowserRouter>
      <AuthProvider>
        <App />
      </AuthProvider>
    </BrowserRouter>
  </StrictMode>,
);

// The service worker keeps the app's files so that an open quiz survives a reload without network.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => { void navigator.serviceWorker.register('/sw.js').catch(() => undefined); });
}

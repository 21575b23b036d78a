import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { languageReady } from './i18n';
import './styles.css';
import { AuthProvider } from './auth/AuthContext';
import { App } from './App';
import { registerServiceWorker } from './pwa';
import { appContainer, rememberForServer } from './serverPage';

rememberForServer();
// A page the server rendered stays on screen until the app's own is ready (serverPage.ts).
void languageReady.then(() => createRoot(appContainer()).render(
  <StrictMode>
    <BrowserRouter>
      <AuthProvider>
        <App />
      </AuthProvider>
    </BrowserRouter>
  </StrictMode>,
));

registerServiceWorker();

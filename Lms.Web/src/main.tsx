import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { languageReady } from './i18n';
import './styles.css';
import { AuthProvider } from './auth/AuthContext';
import { App } from './App';
import { registerServiceWorker } from './pwa';

void languageReady.then(() => createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <AuthProvider>
        <App />
      </AuthProvider>
    </BrowserRouter>
  </StrictMode>,
));

registerServiceWorker();

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { SessionProvider } from './session.js';
import './styles/base.css';
import './styles/forms.css';
import './styles/auth.css';
import './styles/shell.css';
import './styles/profile.css';
import './styles/protection.css';
import './styles/two-factor.css';
import './styles/passwords.css';
import './styles/activity.css';

const container = document.getElementById('root');
if (container === null) throw new Error('Missing #root element in index.html.');

createRoot(container).render(
  <StrictMode>
    <SessionProvider>
      <App />
    </SessionProvider>
  </StrictMode>,
);

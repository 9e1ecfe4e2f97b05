import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/components/App';
import { ErrorBoundary } from './ui/components/ErrorBoundary';
import { boot } from './ui/boot';
import './ui/styles.css';

boot();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary label="page">
      <App />
    </ErrorBoundary>
  </StrictMode>,
);

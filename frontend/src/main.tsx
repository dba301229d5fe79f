import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App, { loadSessionPage, matchRoute } from './App';
import './index.css';

const route = matchRoute(window.location.pathname);
if (route.name === 'session') {
  // Fetch the session page and the editor in parallel with React's first render.
  void loadSessionPage();
  void import('./components/editor/CodeEditor');
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App route={route} />
  </StrictMode>,
);

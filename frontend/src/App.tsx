import { lazy, Suspense } from 'react';
import { useApplyTheme } from './hooks/useTheme';
import HomePage from './components/home/HomePage';
import { StatusPage, linkButtonClass } from './components/ui/StatusPage';
import { XIcon } from './components/ui/icons';

export const loadSessionPage = () => import('./components/session/SessionPage');
const SessionPage = lazy(loadSessionPage);

export type Route = { name: 'home' } | { name: 'session'; id: string } | { name: 'not_found' };

export function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '/index.html') return { name: 'home' };
  const m = /^\/s\/([A-Za-z0-9-]{1,64})\/?$/u.exec(pathname);
  if (m) return { name: 'session', id: m[1]!.toLowerCase() };
  return { name: 'not_found' };
}

function Loading() {
  return (
    <div className="flex h-full items-center justify-center text-sm text-zinc-500 dark:text-zinc-400" role="status">
      Loading…
    </div>
  );
}

export default function App({ route }: { route: Route }) {
  useApplyTheme();
  switch (route.name) {
    case 'home':
      return <HomePage />;
    case 'session':
      return (
        <Suspense fallback={<Loading />}>
          <SessionPage sessionId={route.id} />
        </Suspense>
      );
    case 'not_found':
      return (
        <StatusPage
          icon={<XIcon size={20} />}
          title="Page not found"
          actions={
            <a href="/" className={linkButtonClass}>
              Go to Pairpad
            </a>
          }
        >
          <p>There is nothing at this address.</p>
        </StatusPage>
      );
  }
}

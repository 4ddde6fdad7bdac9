import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { ErrorResult } from '../components/ErrorResult.tsx';
import { PageSpinner } from '../components/PageSpinner.tsx';
import { useSession } from '../session.tsx';

/** Renders the nested routes for a signed-in staff member, or sends them to sign in and back. */
export function RequireSession() {
  const { state, refresh } = useSession();
  const location = useLocation();
  switch (state.status) {
    case 'loading':
      return <PageSpinner />;
    case 'unavailable':
      return <ErrorResult error={state.error} onRetry={() => void refresh()} />;
    case 'signed-out': {
      const next = encodeURIComponent(location.pathname + location.search);
      return <Navigate to={`/sign-in?next=${next}`} replace />;
    }
    case 'signed-in':
      return <Outlet />;
  }
}

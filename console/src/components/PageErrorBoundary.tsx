import { Button, Result } from 'antd';
import { Component, type ReactNode } from 'react';
import { useLocation } from 'react-router-dom';
import { useI18n } from '../I18nProvider.tsx';

interface BoundaryProps {
  fallback: ReactNode;
  /** A change (the next navigation) clears the failure without remounting healthy children. */
  resetKey: string;
  children: ReactNode;
}

class Boundary extends Component<BoundaryProps, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override componentDidUpdate(previous: BoundaryProps) {
    if (this.state.failed && previous.resetKey !== this.props.resetKey) this.setState({ failed: false });
  }

  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

/**
 * Keeps a crashing page (or a lazy page chunk that no longer exists after an upgrade) from
 * blanking the whole console; navigating elsewhere clears it.
 */
export function PageErrorBoundary({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const fallback = (
    <Result
      status="error"
      title={t('error.pageFailed')}
      subTitle={t('error.pageFailedHint')}
      extra={<Button onClick={() => window.location.reload()}>{t('action.reload')}</Button>}
    />
  );
  return (
    <Boundary resetKey={pathname} fallback={fallback}>
      {children}
    </Boundary>
  );
}

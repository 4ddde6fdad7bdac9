import { Button, Result } from 'antd';
import { describeError, isForbidden } from '../feedback.ts';
import { useI18n } from '../I18nProvider.tsx';

/** What a page shows instead of its content when loading failed: a 403 reads as "not for your role". */
export function ErrorResult({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (isForbidden(error)) {
    return <Result status="403" title={t('error.forbiddenTitle')} subTitle={describeError(error, t)} />;
  }
  return (
    <Result
      status="error"
      title={t('error.loadFailed')}
      subTitle={describeError(error, t)}
      extra={onRetry && <Button onClick={onRetry}>{t('action.retry')}</Button>}
    />
  );
}

import { Alert } from 'antd';
import { isLocalOnlyUrl } from '../../../src/public-url.ts';
import { useI18n } from '../I18nProvider.tsx';

/**
 * Shown beside a code's or link's address while PUBLIC_URL names this machine only: printed or
 * shared as it is, it opens nothing on a phone. Nothing otherwise.
 */
export function LocalUrlWarning({ url }: { url: string }) {
  const { t } = useI18n();
  if (!isLocalOnlyUrl(url)) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      title={t('publicUrl.localTitle')}
      description={t('publicUrl.localText', { host: new URL(url).host })}
      data-testid="local-url-warning"
    />
  );
}

import { Space, Tag, Tooltip } from 'antd';
import type { WebhookEndpoint } from '../../api/types.ts';
import { useI18n } from '../../I18nProvider.tsx';

/** Active or disabled, and since when deliveries have been failing. */
export function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }) {
  const { t, formatTime } = useI18n();
  return (
    <Space size={4} wrap>
      {endpoint.status === 'active' ? (
        <Tag color="success">{t('webhooks.statusActive')}</Tag>
      ) : (
        <Tooltip title={endpoint.disabledAt && t('webhooks.disabledAt', { time: formatTime(endpoint.disabledAt) })}>
          <Tag>{t('webhooks.statusDisabled')}</Tag>
        </Tooltip>
      )}
      {endpoint.failingSince && <Tag color="warning">{t('webhooks.failingSince', { time: formatTime(endpoint.failingSince) })}</Tag>}
    </Space>
  );
}

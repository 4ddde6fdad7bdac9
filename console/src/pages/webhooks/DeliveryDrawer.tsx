import { Descriptions, Drawer, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { DeliveryAttempt, DeliveryStatus, WebhookDelivery } from '../../api/types.ts';
import { ErrorResult } from '../../components/ErrorResult.tsx';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';

const statusColors: Record<DeliveryStatus, string> = { pending: 'processing', succeeded: 'success', failed: 'error' };

export function DeliveryStatusTag({ status }: { status: DeliveryStatus }) {
  const { t } = useI18n();
  return <Tag color={statusColors[status]}>{t(`deliveries.${status}`)}</Tag>;
}

/** The attempts of one delivery, opened from a row of the delivery log. */
export function DeliveryDrawer({ deliveryId, onClose }: { deliveryId: string | null; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Drawer open={deliveryId !== null} onClose={onClose} title={t('deliveries.detailTitle')} size={720}>
      {deliveryId && <DeliveryDetail deliveryId={deliveryId} />}
    </Drawer>
  );
}

function DeliveryDetail({ deliveryId }: { deliveryId: string }) {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const path = workspacePath(workspace.id, 'webhook-deliveries', deliveryId);
  const { data, error, reload } = useResource(path, () =>
    api.get<WebhookDelivery & { attempts: DeliveryAttempt[] }>(path),
  );
  if (error) return <ErrorResult error={error} onRetry={reload} />;

  const columns: TableColumnsType<DeliveryAttempt> = [
    { title: t('deliveries.attemptedAt'), key: 'at', render: (_, a) => formatTime(a.attemptedAt) },
    { title: t('deliveries.statusCode'), key: 'code', render: (_, a) => a.statusCode ?? '—' },
    { title: t('deliveries.duration'), key: 'duration', render: (_, a) => (a.durationMs === null ? '—' : `${a.durationMs} ms`) },
    {
      title: t('deliveries.response'),
      key: 'response',
      render: (_, a) =>
        a.error ? (
          <Typography.Text type="danger">{a.error}</Typography.Text>
        ) : (
          <Typography.Text code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
            {a.responseExcerpt}
          </Typography.Text>
        ),
    },
  ];

  return (
    <>
      {data && (
        <Descriptions
          column={1}
          size="small"
          style={{ marginBottom: 16 }}
          items={[
            { key: 'status', label: t('common.status'), children: <DeliveryStatusTag status={data.status} /> },
            { key: 'type', label: t('deliveries.eventType'), children: data.eventType },
            { key: 'event', label: t('deliveries.eventId'), children: <Typography.Text copyable>{data.eventId}</Typography.Text> },
            { key: 'created', label: t('common.created'), children: formatTime(data.createdAt) },
            { key: 'next', label: t('deliveries.nextAttempt'), children: formatTime(data.nextAttemptAt) || '—' },
          ]}
        />
      )}
      <Table rowKey="id" columns={columns} dataSource={data?.attempts ?? []} loading={!data} pagination={false} size="small" />
    </>
  );
}

import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, workspacePath } from '../../api/client.ts';
import type { WebhookDelivery, WebhookEndpoint } from '../../api/types.ts';
import { CursorTable } from '../../components/CursorTable.tsx';
import { ErrorResult } from '../../components/ErrorResult.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useFeedback } from '../../feedback.ts';
import { useApiList } from '../../hooks/useCursorList.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { DeliveryDrawer, DeliveryStatusTag } from './DeliveryDrawer.tsx';
import { EndpointStatus } from './EndpointStatus.tsx';
import { eventTypeLabel } from './eventTypes.ts';

/** One endpoint's delivery log, newest first, with replay and the attempts of each delivery. */
export default function DeliveriesPage() {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const endpointId = useParams().endpointId ?? '';
  const endpointPath = workspacePath(workspace.id, 'webhooks', endpointId);
  const endpoint = useResource(endpointPath, () => api.get<WebhookEndpoint>(endpointPath));
  const deliveries = useApiList<WebhookDelivery>(`${endpointPath}/deliveries`);
  const [openId, setOpenId] = useState<string | null>(null);

  const replay = (delivery: WebhookDelivery) =>
    feedback.run(
      () => api.post(workspacePath(workspace.id, 'webhook-deliveries', delivery.id, 'replay')),
      t('deliveries.replayQueued'),
      deliveries.reload,
    );

  const columns: TableColumnsType<WebhookDelivery> = [
    { title: t('common.status'), key: 'status', render: (_, d) => <DeliveryStatusTag status={d.status} /> },
    { title: t('deliveries.eventType'), dataIndex: 'eventType', key: 'eventType' },
    { title: t('deliveries.attempts'), dataIndex: 'attemptCount', key: 'attempts' },
    {
      title: t('deliveries.lastResult'),
      key: 'last',
      render: (_, d) => (
        <Space size={4}>
          {d.lastStatusCode !== null && <Tag>{d.lastStatusCode}</Tag>}
          {d.lastError && <Typography.Text type="danger">{d.lastError}</Typography.Text>}
        </Space>
      ),
    },
    { title: t('deliveries.nextAttempt'), key: 'next', render: (_, d) => formatTime(d.nextAttemptAt) },
    { title: t('common.created'), key: 'created', render: (_, d) => formatTime(d.createdAt) },
  ];
  const actions = (d: WebhookDelivery) => (
    <Button
      size="small"
      icon={<ReloadOutlined />}
      disabled={d.status === 'pending'}
      onClick={(event) => {
        event.stopPropagation();
        void replay(d);
      }}
    >
      {t('deliveries.replay')}
    </Button>
  );

  if (endpoint.error) return <ErrorResult error={endpoint.error} onRetry={endpoint.reload} />;
  return (
    <>
      <PageHeader
        title={
          <Space>
            <Link to=".." relative="path" aria-label={t('action.back')}>
              <ArrowLeftOutlined />
            </Link>
            {t('deliveries.title')}
          </Space>
        }
        extra={<Button icon={<ReloadOutlined />} onClick={deliveries.reload}>{t('action.refresh')}</Button>}
      />
      <Card loading={!endpoint.data} style={{ marginBottom: 16 }}>
        {endpoint.data && (
          <Descriptions
            column={{ xs: 1, md: 2 }}
            items={[
              { key: 'url', label: t('webhooks.url'), children: <Typography.Text copyable>{endpoint.data.url}</Typography.Text> },
              { key: 'status', label: t('common.status'), children: <EndpointStatus endpoint={endpoint.data} /> },
              { key: 'events', label: t('webhooks.eventTypes'), children: endpoint.data.eventTypes.map((type) => eventTypeLabel(type, t)).join(', ') },
              { key: 'description', label: t('common.description'), children: endpoint.data.description },
            ]}
          />
        )}
      </Card>
      <CursorTable
        list={deliveries}
        columns={columns}
        actions={actions}
        onRow={(d) => ({ onClick: () => setOpenId(d.id), style: { cursor: 'pointer' } })}
      />
      <DeliveryDrawer deliveryId={openId} onClose={() => setOpenId(null)} />
    </>
  );
}

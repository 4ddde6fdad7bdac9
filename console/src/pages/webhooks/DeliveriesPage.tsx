import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, workspacePath } from '../../api/client.ts';
import type { Page, WebhookDelivery, WebhookEndpoint } from '../../api/types.ts';
import { ErrorResult } from '../../components/ErrorResult.tsx';
import { LoadMore } from '../../components/LoadMore.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useFeedback } from '../../feedback.ts';
import { useCursorList } from '../../hooks/useCursorList.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { DeliveryDrawer, DeliveryStatusTag } from './DeliveryDrawer.tsx';
import { EndpointStatus } from './EndpointStatus.tsx';

/** One endpoint's delivery log, newest first, with replay and the attempts of each delivery. */
export default function DeliveriesPage() {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const endpointId = useParams().endpointId ?? '';
  const endpointPath = workspacePath(workspace.id, 'webhooks', endpointId);
  const endpoint = useResource(endpointPath, () => api.get<WebhookEndpoint>(endpointPath));
  const deliveriesPath = `${endpointPath}/deliveries`;
  const deliveries = useCursorList(deliveriesPath, (cursor) =>
    api.get<Page<WebhookDelivery>>(deliveriesPath, { cursor, limit: 50 }),
  );
  const [openId, setOpenId] = useState<string | null>(null);

  const replay = async (delivery: WebhookDelivery) => {
    try {
      await api.post(workspacePath(workspace.id, 'webhook-deliveries', delivery.id, 'replay'));
      feedback.done(t('deliveries.replayQueued'));
      deliveries.reload();
    } catch (error) {
      feedback.failed(error);
    }
  };

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
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, d) => (
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
      ),
    },
  ];

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
              { key: 'events', label: t('webhooks.eventTypes'), children: endpoint.data.eventTypes.join(', ') },
              { key: 'description', label: t('common.description'), children: endpoint.data.description },
            ]}
          />
        )}
      </Card>
      {deliveries.error ? (
        <ErrorResult error={deliveries.error} onRetry={deliveries.reload} />
      ) : (
        <>
          <Table
            rowKey="id"
            columns={columns}
            dataSource={deliveries.items}
            loading={deliveries.loading}
            pagination={false}
            scroll={{ x: true }}
            onRow={(d) => ({ onClick: () => setOpenId(d.id), style: { cursor: 'pointer' } })}
          />
          <LoadMore hasMore={deliveries.hasMore} loading={deliveries.loading} onClick={deliveries.loadMore} />
        </>
      )}
      <DeliveryDrawer deliveryId={openId} onClose={() => setOpenId(null)} />
    </>
  );
}

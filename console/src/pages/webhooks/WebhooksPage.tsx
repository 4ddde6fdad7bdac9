import { DownOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, workspacePath } from '../../api/client.ts';
import type { Page, WebhookEndpoint } from '../../api/types.ts';
import { ErrorResult } from '../../components/ErrorResult.tsx';
import { LoadMore } from '../../components/LoadMore.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { SecretModal } from '../../components/SecretModal.tsx';
import { useFeedback } from '../../feedback.ts';
import { useCursorList } from '../../hooks/useCursorList.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { EndpointStatus } from './EndpointStatus.tsx';
import { WebhookFormModal } from './WebhookFormModal.tsx';

type Editing = { endpoint?: WebhookEndpoint } | null;

export default function WebhooksPage() {
  const { t, formatTime } = useI18n();
  const { modal } = App.useApp();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const path = workspacePath(workspace.id, 'webhooks');
  const endpoints = useCursorList(path, (cursor) => api.get<Page<WebhookEndpoint>>(path, { cursor, limit: 50 }));
  const [editing, setEditing] = useState<Editing>(null);
  const [secret, setSecret] = useState<string | null>(null);

  const act = async (run: () => Promise<void>, done: string) => {
    try {
      await run();
      feedback.done(done);
      endpoints.reload();
    } catch (error) {
      feedback.failed(error);
    }
  };
  const endpointPath = (e: WebhookEndpoint, ...rest: string[]) => workspacePath(workspace.id, 'webhooks', e.id, ...rest);

  const onMenu = (e: WebhookEndpoint, key: string) => {
    if (key === 'toggle') {
      const status = e.status === 'active' ? 'disabled' : 'active';
      void act(() => api.patch(endpointPath(e), { status }), t(status === 'active' ? 'webhooks.enabled' : 'webhooks.disabled'));
    } else if (key === 'test') {
      void act(() => api.post(endpointPath(e, 'test')), t('webhooks.testQueued'));
    } else if (key === 'rotate') {
      modal.confirm({
        title: t('webhooks.rotateConfirm'),
        content: t('webhooks.rotateHint'),
        onOk: () =>
          act(async () => setSecret((await api.post<{ secret: string }>(endpointPath(e, 'rotate-secret'))).secret), t('webhooks.rotated')),
      });
    } else if (key === 'delete') {
      modal.confirm({
        title: t('webhooks.deleteConfirm', { url: e.url }),
        okButtonProps: { danger: true },
        onOk: () => act(() => api.delete(endpointPath(e)), t('webhooks.deleted')),
      });
    }
  };

  const columns: TableColumnsType<WebhookEndpoint> = [
    {
      title: t('webhooks.endpoint'),
      key: 'url',
      render: (_, e) => (
        <>
          <Link to={e.id}>{e.url}</Link>
          {e.description && <div><Typography.Text type="secondary">{e.description}</Typography.Text></div>}
        </>
      ),
    },
    {
      title: t('webhooks.eventTypes'),
      key: 'events',
      render: (_, e) => (
        <Space size={[0, 4]} wrap>
          {e.eventTypes.map((type) => <Tag key={type}>{type}</Tag>)}
        </Space>
      ),
    },
    { title: t('common.status'), key: 'status', render: (_, e) => <EndpointStatus endpoint={e} /> },
    { title: t('common.created'), key: 'created', render: (_, e) => formatTime(e.createdAt) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, e) => (
        <Space>
          <Link to={e.id}>{t('webhooks.deliveries')}</Link>
          <Button size="small" onClick={() => setEditing({ endpoint: e })}>
            {t('action.edit')}
          </Button>
          <Dropdown
            trigger={['click']}
            menu={{
              onClick: ({ key }) => onMenu(e, key),
              items: [
                { key: 'toggle', label: t(e.status === 'active' ? 'webhooks.disable' : 'webhooks.enable') },
                { key: 'test', label: t('webhooks.sendTest') },
                { key: 'rotate', label: t('webhooks.rotate') },
                { type: 'divider' },
                { key: 'delete', label: t('action.delete'), danger: true },
              ],
            }}
          >
            <Button size="small" data-testid={`webhook-more-${e.id}`}>
              {t('action.more')} <DownOutlined />
            </Button>
          </Dropdown>
        </Space>
      ),
    },
  ];

  if (endpoints.error) return <ErrorResult error={endpoints.error} onRetry={endpoints.reload} />;
  return (
    <>
      <PageHeader
        title={t('nav.webhooks')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})} data-testid="webhook-create">
            {t('webhooks.create')}
          </Button>
        }
      />
      <Table rowKey="id" columns={columns} dataSource={endpoints.items} loading={endpoints.loading} pagination={false} scroll={{ x: true }} />
      <LoadMore hasMore={endpoints.hasMore} loading={endpoints.loading} onClick={endpoints.loadMore} />
      <WebhookFormModal
        open={editing !== null}
        endpoint={editing?.endpoint}
        onClose={() => setEditing(null)}
        onSaved={(created) => {
          setEditing(null);
          if (created) setSecret(created);
          feedback.done(t('webhooks.saved'));
          endpoints.reload();
        }}
      />
      <SecretModal title={t('webhooks.secretTitle')} value={secret} warning={t('webhooks.secretOnce')} onClose={() => setSecret(null)} />
    </>
  );
}

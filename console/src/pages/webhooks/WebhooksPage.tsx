import { DownOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, Space, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, workspacePath } from '../../api/client.ts';
import type { WebhookEndpoint } from '../../api/types.ts';
import { CursorTable } from '../../components/CursorTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useSecretModal } from '../../components/SecretModal.tsx';
import { TagList } from '../../components/TagList.tsx';
import { useFeedback } from '../../feedback.ts';
import { useApiList } from '../../hooks/useCursorList.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { EndpointStatus } from './EndpointStatus.tsx';
import { eventTypeLabel } from './eventTypes.ts';
import { WebhookFormModal } from './WebhookFormModal.tsx';

type Editing = { endpoint?: WebhookEndpoint } | null;

export default function WebhooksPage() {
  const { t, formatTime } = useI18n();
  const { modal } = App.useApp();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const endpoints = useApiList<WebhookEndpoint>(workspacePath(workspace.id, 'webhooks'));
  const [editing, setEditing] = useState<Editing>(null);
  const secret = useSecretModal(t('webhooks.secretTitle'), t('webhooks.secretOnce'));

  const act = (action: () => Promise<unknown>, done: string) => feedback.run(action, done, endpoints.reload);
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
          act(async () => secret.show((await api.post<{ secret: string }>(endpointPath(e, 'rotate-secret'))).secret), t('webhooks.rotated')),
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
      render: (_, e) => <TagList values={e.eventTypes} label={(type) => eventTypeLabel(type, t)} />,
    },
    { title: t('common.status'), key: 'status', render: (_, e) => <EndpointStatus endpoint={e} /> },
    { title: t('common.created'), key: 'created', render: (_, e) => formatTime(e.createdAt) },
  ];
  const actions = (e: WebhookEndpoint) => (
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
  );

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
      <CursorTable list={endpoints} columns={columns} actions={actions} />
      <WebhookFormModal
        open={editing !== null}
        endpoint={editing?.endpoint}
        onClose={() => setEditing(null)}
        onSaved={(created) => {
          if (created) secret.show(created);
          feedback.done(t('webhooks.saved'));
          endpoints.reload();
        }}
      />
      {secret.modal}
    </>
  );
}

import { PlusOutlined } from '@ant-design/icons';
import { Button, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import type { ApiKey, Page } from '../../api/types.ts';
import { ErrorResult } from '../../components/ErrorResult.tsx';
import { LoadMore } from '../../components/LoadMore.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { SecretModal } from '../../components/SecretModal.tsx';
import { useFeedback } from '../../feedback.ts';
import { useCursorList } from '../../hooks/useCursorList.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { CreateApiKeyModal } from './CreateApiKeyModal.tsx';

const tags = (values: string[]) => (
  <Space size={[0, 4]} wrap>
    {values.map((v) => (
      <Tag key={v}>{v}</Tag>
    ))}
  </Space>
);

export default function ApiKeysPage() {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const path = workspacePath(workspace.id, 'api-keys');
  const keys = useCursorList(path, (cursor) => api.get<Page<ApiKey>>(path, { cursor, limit: 50 }));
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);

  const revoke = async (key: ApiKey) => {
    try {
      await api.delete(workspacePath(workspace.id, 'api-keys', key.id));
      feedback.done(t('apiKeys.revoked'));
      keys.reload();
    } catch (error) {
      feedback.failed(error);
    }
  };

  const columns: TableColumnsType<ApiKey> = [
    { title: t('common.name'), dataIndex: 'name', key: 'name' },
    { title: t('apiKeys.prefix'), key: 'prefix', render: (_, k) => <Typography.Text code style={{ whiteSpace: 'nowrap' }}>{k.prefix}</Typography.Text> },
    { title: t('apiKeys.scopes'), key: 'scopes', render: (_, k) => tags(k.scopes) },
    {
      title: t('apiKeys.ipAllowList'),
      key: 'ips',
      render: (_, k) => (k.ipAllowList.length ? tags(k.ipAllowList) : <Typography.Text type="secondary">{t('apiKeys.anyAddress')}</Typography.Text>),
    },
    { title: t('common.created'), key: 'created', render: (_, k) => formatTime(k.createdAt) },
    { title: t('apiKeys.lastUsed'), key: 'lastUsed', render: (_, k) => formatTime(k.lastUsedAt) || t('apiKeys.neverUsed') },
    {
      title: t('common.status'),
      key: 'status',
      render: (_, k) =>
        k.revokedAt ? (
          <Tag color="error">{t('apiKeys.revokedAt', { time: formatTime(k.revokedAt) })}</Tag>
        ) : (
          <Tag color="success">{t('apiKeys.active')}</Tag>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, k) =>
        !k.revokedAt && (
          <Popconfirm title={t('apiKeys.revokeConfirm', { name: k.name })} onConfirm={() => revoke(k)} okButtonProps={{ danger: true }}>
            <Button size="small" danger data-testid={`api-key-revoke-${k.id}`}>
              {t('action.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  if (keys.error) return <ErrorResult error={keys.error} onRetry={keys.reload} />;
  return (
    <>
      <PageHeader
        title={t('nav.api-keys')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="api-key-create">
            {t('apiKeys.create')}
          </Button>
        }
      />
      <Table rowKey="id" columns={columns} dataSource={keys.items} loading={keys.loading} pagination={false} scroll={{ x: true }} />
      <LoadMore hasMore={keys.hasMore} loading={keys.loading} onClick={keys.loadMore} />
      <CreateApiKeyModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setSecret(created);
          keys.reload();
        }}
      />
      <SecretModal title={t('apiKeys.secretTitle')} value={secret} warning={t('apiKeys.secretOnce')} onClose={() => setSecret(null)} />
    </>
  );
}

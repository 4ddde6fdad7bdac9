import { Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { ApiKey } from '../../api/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { CursorTable } from '../../components/CursorTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useSecretModal } from '../../components/SecretModal.tsx';
import { TagList } from '../../components/TagList.tsx';
import { useFeedback } from '../../feedback.ts';
import { useApiList } from '../../hooks/useCursorList.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { CreateApiKeyModal } from './CreateApiKeyModal.tsx';

export default function ApiKeysPage() {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const keys = useApiList<ApiKey>(workspacePath(workspace.id, 'api-keys'));
  const secret = useSecretModal(t('apiKeys.secretTitle'), t('apiKeys.secretOnce'));

  const revoke = (key: ApiKey) =>
    feedback.run(() => api.delete(workspacePath(workspace.id, 'api-keys', key.id)), t('apiKeys.revoked'), keys.reload);
  const created = (value: string) => {
    secret.show(value);
    keys.reload();
  };

  const columns: TableColumnsType<ApiKey> = [
    { title: t('common.name'), dataIndex: 'name', key: 'name' },
    { title: t('apiKeys.prefix'), key: 'prefix', render: (_, k) => <Typography.Text code style={{ whiteSpace: 'nowrap' }}>{k.prefix}</Typography.Text> },
    { title: t('apiKeys.scopes'), key: 'scopes', render: (_, k) => <TagList values={k.scopes} /> },
    {
      title: t('apiKeys.ipAllowList'),
      key: 'ips',
      render: (_, k) =>
        k.ipAllowList.length ? <TagList values={k.ipAllowList} /> : <Typography.Text type="secondary">{t('apiKeys.anyAddress')}</Typography.Text>,
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
  ];
  const actions = (k: ApiKey) =>
    !k.revokedAt && (
      <ConfirmButton confirm={t('apiKeys.revokeConfirm', { name: k.name })} onConfirm={() => revoke(k)} testId={`api-key-revoke-${k.id}`}>
        {t('action.revoke')}
      </ConfirmButton>
    );

  return (
    <>
      <PageHeader title={t('nav.api-keys')} extra={<CreateApiKeyModal onCreated={created} />} />
      <CursorTable list={keys} columns={columns} actions={actions} />
      {secret.modal}
    </>
  );
}

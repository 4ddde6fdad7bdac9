import { DownloadOutlined } from '@ant-design/icons';
import { Button, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { BatchState, InviteBatch } from '../../api/types.ts';
import { CursorTable } from '../../components/CursorTable.tsx';
import type { CursorList } from '../../hooks/useCursorList.ts';
import { useFeedback } from '../../feedback.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canManageInvites } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';
import { BatchProgress, isActive } from './BatchProgress.tsx';

const stateColors: Record<BatchState, string> = { queued: 'default', running: 'processing', done: 'success', failed: 'error', cancelled: 'warning' };

interface Props {
  list: CursorList<InviteBatch>;
  /** Shows the batch's codes in the codes tab. */
  onShowCodes: (batchId: string) => void;
  /** Revokes every code the batch made (once it stopped making them). */
  onRevokeCodes: (batch: InviteBatch) => void;
  /** A batch finished (or was cancelled): the codes list may have grown. */
  onFinished: (batch: InviteBatch) => void;
}

/** Generated and imported batches, newest first, each with its live progress, its codes and its files, and revoking its codes at once. */
export function BatchesTable({ list, onShowCodes, onRevokeCodes, onFinished }: Props) {
  const { t, formatTime, lang } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const exportBase = `/api/v1${workspacePath(workspace.id, 'invite-batches')}`;

  const cancel = (batch: InviteBatch) =>
    feedback.run(() => api.post(workspacePath(workspace.id, 'invite-batches', batch.id, 'cancel'), {}), t('batches.cancelled'), list.reload);

  const columns: TableColumnsType<InviteBatch> = [
    { title: t('common.created'), key: 'created', render: (_, b) => <span style={{ whiteSpace: 'nowrap' }}>{formatTime(b.createdAt)}</span> },
    { title: t('batches.kind'), key: 'kind', render: (_, b) => t(`batches.kind.${b.kind}`) },
    {
      title: t('common.status'),
      key: 'state',
      render: (_, b) => (
        <Tag color={stateColors[b.state]} data-testid={`batch-state-${b.id}`}>
          {t(`batches.state.${b.state}`)}
        </Tag>
      ),
    },
    { title: t('batches.progressTitle'), key: 'progress', render: (_, b) => <BatchProgress batch={b} onFinished={onFinished} /> },
    {
      title: t('batches.settings'),
      key: 'settings',
      render: (_, b) =>
        b.settings ? (
          <Typography.Text type="secondary">
            {t(`invites.purpose.${b.settings.purpose}`)} · {b.settings.owner.displayName ?? b.settings.owner.id}
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t('batches.importRows')}</Typography.Text>
        ),
    },
  ];

  return (
    <CursorTable
      list={list}
      columns={columns}
      size="middle"
      data-testid="batches-table"
      actions={(b) => (
        <Space wrap size={4}>
          <Button size="small" onClick={() => onShowCodes(b.id)} data-testid={`batch-codes-${b.id}`}>
            {t('batches.showCodes')}
          </Button>
          <Button size="small" icon={<DownloadOutlined />} href={`${exportBase}/${encodeURIComponent(b.id)}/export?format=csv&locale=${lang}`} download>
            CSV
          </Button>
          <Button size="small" icon={<DownloadOutlined />} href={`${exportBase}/${encodeURIComponent(b.id)}/export?format=xlsx&locale=${lang}`} download>
            XLSX
          </Button>
          {canManageInvites(workspace.role) && isActive(b) && (
            <Button size="small" danger onClick={() => void cancel(b)} data-testid={`batch-cancel-${b.id}`}>
              {t('batches.cancel')}
            </Button>
          )}
          {canManageInvites(workspace.role) && !isActive(b) && b.generated > 0 && (
            <Button size="small" danger onClick={() => onRevokeCodes(b)} data-testid={`batch-revoke-${b.id}`}>
              {t('batches.revokeCodes')}
            </Button>
          )}
        </Space>
      )}
    />
  );
}

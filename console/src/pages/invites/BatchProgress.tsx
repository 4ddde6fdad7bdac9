import { Progress, Space, Typography } from 'antd';
import { workspacePath } from '../../api/client.ts';
import type { InviteBatch } from '../../api/types.ts';
import { usePolledUntilDone } from '../../hooks/usePolledUntilDone.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';

/** How often a running batch is asked for its progress. */
const POLL_MS = 1000;

export function isActive(batch: InviteBatch): boolean {
  return batch.state === 'queued' || batch.state === 'running';
}

function percent(batch: InviteBatch): number {
  return batch.total === 0 ? 100 : Math.floor((batch.generated / batch.total) * 100);
}

/**
 * A batch's progress bar (generated of total). While the batch is queued or running it asks the
 * server again every second, and tells `onFinished` once, with the batch as it ended.
 */
export function BatchProgress({ batch, onFinished }: { batch: InviteBatch; onFinished: (batch: InviteBatch) => void }) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const path = workspacePath(workspace.id, 'invite-batches', batch.id);
  // Only a batch that is still going is polled; a finished one shows what the list said.
  const current = usePolledUntilDone(path, batch, { isActive, onFinished, intervalMs: POLL_MS });

  const status = current.state === 'failed' ? 'exception' : current.state === 'done' ? 'success' : current.state === 'cancelled' ? 'normal' : 'active';
  return (
    <Space direction="vertical" size={0} style={{ width: 260 }} data-testid={`batch-progress-${batch.id}`}>
      <Progress percent={percent(current)} status={status} size="small" />
      <Typography.Text type="secondary" data-testid="batch-progress-text">
        {t('batches.progress', { generated: current.generated.toLocaleString(), total: current.total.toLocaleString() })}
      </Typography.Text>
      {current.error && <Typography.Text type="danger">{current.error}</Typography.Text>}
    </Space>
  );
}

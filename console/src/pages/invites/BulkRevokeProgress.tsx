import { Alert, Progress, Typography } from 'antd';
import { workspacePath } from '../../api/client.ts';
import type { BulkRevoke } from '../../api/types.ts';
import { usePolledUntilDone } from '../../hooks/usePolledUntilDone.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';

/** How often a bulk revoke running in the background is asked for its progress. */
const POLL_MS = 2000;

export const isActive = (bulkRevoke: BulkRevoke) => bulkRevoke.status === 'queued' || bulkRevoke.status === 'running';

/**
 * A bulk revoke the server runs in the background (it answered 202): its progress, asked for
 * again every two seconds until it succeeded or failed, when `onFinished` is told once, with the
 * bulk revoke as it ended.
 */
export function BulkRevokeProgress({ bulkRevoke, onFinished }: { bulkRevoke: BulkRevoke; onFinished: (bulkRevoke: BulkRevoke) => void }) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const path = workspacePath(workspace.id, 'invite-bulk-revokes', bulkRevoke.id);
  const current = usePolledUntilDone(path, bulkRevoke, { isActive, onFinished, intervalMs: POLL_MS });

  const done = current.revoked + current.alreadyEnded;
  const percent = current.matched === 0 ? 100 : Math.min(100, Math.floor((done / current.matched) * 100));
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="bulk-revoke-progress"
      title={
        <span data-testid="bulk-revoke-progress-text">
          {t('invites.revokeRunning', { matched: current.matched.toLocaleString(), done: done.toLocaleString() })}
        </span>
      }
      description={
        <>
          <Progress percent={percent} status="active" size="small" />
          <Typography.Text type="secondary">{t('invites.revokeRunningHint')}</Typography.Text>
        </>
      }
    />
  );
}

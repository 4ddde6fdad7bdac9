import { Form, Input } from 'antd';
import { api, ApiError, workspacePath } from '../../api/client.ts';
import type { BulkRevoke, BulkRevoked, Invite, InviteBatch } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import type { InviteFilter } from './InviteFilters.tsx';

/** Which codes to revoke: picked ones, every code the list's filters show, or every code of a batch. */
export type RevokeSelection = { invites: Invite[] } | { filter: InviteFilter } | { batch: InviteBatch };

interface Props {
  selection: RevokeSelection;
  onClose: () => void;
  onDone: (outcome: BulkRevoked) => void;
  /** The selection was too large for one request: the server revokes it in the background (202), or was already revoking the same codes (409). */
  onQueued: (bulkRevoke: BulkRevoke) => void;
}

function bodyOf(selection: RevokeSelection): Record<string, unknown> {
  if ('invites' in selection) return { ids: selection.invites.map((i) => i.id) };
  if ('filter' in selection) return { filter: selection.filter };
  return { batchId: selection.batch.id };
}

/**
 * Revokes one code, the selected ones, every code the filters list, or a batch's codes, with one
 * reason, in one request (POST …/invites/bulk-revoke): all of them or, when the server refuses,
 * none, and one entry in the audit log. Codes that had ended already are counted, not changed.
 * A selection over the server's limit (a large batch) is accepted to run in the background; so is
 * one whose codes a bulk revoke is revoking already: both hand their bulk revoke to onQueued.
 */
export function RevokeInvitesModal({ selection, onClose, onDone, onQueued }: Props) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const submit = async ({ reason }: { reason?: string }) => {
    const body = { ...bodyOf(selection), ...(reason?.trim() ? { reason: reason.trim() } : {}) };
    let answer: BulkRevoked | BulkRevoke;
    try {
      answer = await api.post<BulkRevoked | BulkRevoke>(workspacePath(workspace.id, 'invites', 'bulk-revoke'), body);
    } catch (error) {
      const running = error instanceof ApiError && error.code === 'invite_bulk_revoke_running' ? error.extensions.bulkRevokeId : undefined;
      if (typeof running !== 'string') throw error;
      answer = await api.get<BulkRevoke>(workspacePath(workspace.id, 'invite-bulk-revokes', running));
    }
    // Only the 202 answer, a bulk revoke, has an id; the 200 answer is the counts.
    if ('id' in answer) onQueued(answer);
    else onDone(answer);
  };
  const title =
    'batch' in selection
      ? t('invites.revokeBatch', { count: selection.batch.generated })
      : 'filter' in selection
        ? t('invites.revokeMatching')
        : selection.invites.length === 1
          ? t('invites.revokeOne', { code: selection.invites[0]!.code })
          : t('invites.revokeMany', { count: selection.invites.length });
  return (
    <FormModal<{ reason?: string }> open onClose={onClose} title={title} okText={t('action.revoke')} onSubmit={submit} submitTestId="invite-revoke-ok">
      {'filter' in selection && <p data-testid="invite-revoke-scope">{t('invites.revokeMatchingScope')}</p>}
      <p>{t('invites.revokeConfirm')}</p>
      <Form.Item name="reason" label={t('invites.revokeReason')} rules={[{ max: 500 }]}>
        <Input.TextArea rows={2} data-testid="invite-revoke-reason" />
      </Form.Item>
    </FormModal>
  );
}

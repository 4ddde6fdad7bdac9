import { Form, Input } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { Invite } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';

export interface RevokeOutcome {
  revoked: number;
  failed: { invite: Invite; error: unknown }[];
}

interface Props {
  invites: Invite[];
  onClose: () => void;
  onDone: (outcome: RevokeOutcome) => void;
}

/**
 * Revokes one code or the selected ones, with one reason for the audit log. Codes are revoked one
 * request at a time (revoking a revoked code changes nothing, so trying again is safe); one refused
 * code does not stop the others, and the outcome names each refusal.
 */
export function RevokeInvitesModal({ invites, onClose, onDone }: Props) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const submit = async ({ reason }: { reason?: string }) => {
    const body = reason?.trim() ? { reason: reason.trim() } : {};
    const outcome: RevokeOutcome = { revoked: 0, failed: [] };
    for (const invite of invites) {
      try {
        await api.post<Invite>(workspacePath(workspace.id, 'invites', invite.id, 'revoke'), body);
        outcome.revoked += 1;
      } catch (error) {
        outcome.failed.push({ invite, error });
      }
    }
    onDone(outcome);
  };
  const title = invites.length === 1 ? t('invites.revokeOne', { code: invites[0]!.code }) : t('invites.revokeMany', { count: invites.length });
  return (
    <FormModal<{ reason?: string }> open onClose={onClose} title={title} okText={t('action.revoke')} onSubmit={submit} submitTestId="invite-revoke-ok">
      <p>{t('invites.revokeConfirm')}</p>
      <Form.Item name="reason" label={t('invites.revokeReason')} rules={[{ max: 500 }]}>
        <Input.TextArea rows={2} data-testid="invite-revoke-reason" />
      </Form.Item>
    </FormModal>
  );
}

import { api, workspacePath } from '../../api/client.ts';
import type { Invite } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { ValidityFields, type InviteFieldValues } from './InviteFields.tsx';

type Values = Pick<InviteFieldValues, 'validity' | 'expiresAt'>;

/** A later expiry for one code (from now, a custom date, or permanent); an expired code becomes active again. */
export function ExtendInviteModal({ invite, onClose, onExtended }: { invite: Invite; onClose: () => void; onExtended: (invite: Invite) => void }) {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const submit = async ({ validity, expiresAt }: Values) => {
    const body = validity === 'custom' && expiresAt ? { validity, expiresAt: expiresAt.toISOString() } : { validity };
    onExtended(await api.post<Invite>(workspacePath(workspace.id, 'invites', invite.id, 'extend'), body));
  };
  return (
    <FormModal<Values>
      open
      onClose={onClose}
      title={t('invites.extendTitle', { code: invite.code })}
      okText={t('invites.extend')}
      onSubmit={submit}
      initialValues={{ validity: '180d' }}
      submitTestId="invite-extend-ok"
    >
      <p>{t('invites.currentExpiry', { time: invite.expiresAt ? formatTime(invite.expiresAt) : t('invites.never') })}</p>
      <ValidityFields />
    </FormModal>
  );
}

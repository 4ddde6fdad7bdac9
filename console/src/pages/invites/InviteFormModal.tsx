import { PlusOutlined } from '@ant-design/icons';
import { api, workspacePath } from '../../api/client.ts';
import type { Invite } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { INVITE_FIELD_DEFAULTS, InviteFields, inviteBody, type InviteFieldValues } from './InviteFields.tsx';

/** "Create invite code": one code for an owner; over the owner's daily quota the server's 429 shows in the form. */
export function InviteFormModal({ onCreated }: { onCreated: (invite: Invite) => void }) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const submit = async (values: InviteFieldValues) => {
    onCreated(await api.post<Invite>(workspacePath(workspace.id, 'invites'), inviteBody(values)));
  };
  return (
    <FormModal<InviteFieldValues>
      trigger={{ icon: <PlusOutlined />, primary: true, testId: 'invite-create' }}
      title={t('invites.create')}
      okText={t('action.create')}
      onSubmit={submit}
      initialValues={INVITE_FIELD_DEFAULTS}
      submitTestId="invite-submit"
      width={760}
    >
      <InviteFields />
    </FormModal>
  );
}

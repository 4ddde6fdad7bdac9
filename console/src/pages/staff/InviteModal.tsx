import { UserAddOutlined } from '@ant-design/icons';
import { Form, Input, Select } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { Invitation, Role } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { ROLES } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';

interface Values {
  email: string;
  role: Role;
}

/** "Invite" and its form; `onInvited` receives the accept link, which the server returns only then. */
export function InviteModal({ onInvited }: { onInvited: (acceptUrl: string) => void }) {
  const { t } = useI18n();
  const workspace = useWorkspace();

  const submit = async ({ email, role }: Values) => {
    const { acceptUrl } = await api.post<{ invitation: Invitation; acceptUrl: string }>(
      workspacePath(workspace.id, 'invitations'),
      { email: email.trim(), role },
    );
    onInvited(acceptUrl);
  };

  return (
    <FormModal<Values>
      trigger={{ icon: <UserAddOutlined />, primary: true, testId: 'invite-open' }}
      title={t('staff.invite')}
      okText={t('staff.sendInvitation')}
      onSubmit={submit}
      initialValues={{ role: 'moderator' }}
      submitTestId="invite-submit"
    >
      <Form.Item name="email" label={t('common.email')} rules={[{ required: true, type: 'email' }]}>
        <Input autoFocus data-testid="invite-email" />
      </Form.Item>
      <Form.Item name="role" label={t('staff.role')} rules={[{ required: true }]}>
        <Select options={ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))} data-testid="invite-role" />
      </Form.Item>
    </FormModal>
  );
}

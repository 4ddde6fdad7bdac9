import { Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import type { Invitation, Role } from '../../api/types.ts';
import { useFeedback } from '../../feedback.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { ROLES } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';

interface Values {
  email: string;
  role: Role;
}

interface Props {
  open: boolean;
  onClose: () => void;
  /** Receives the accept link, which the server returns only in this answer. */
  onInvited: (acceptUrl: string) => void;
}

export function InviteModal({ open, onClose, onInvited }: Props) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);

  const submit = async ({ email, role }: Values) => {
    setSaving(true);
    try {
      const { acceptUrl } = await api.post<{ invitation: Invitation; acceptUrl: string }>(
        workspacePath(workspace.id, 'invitations'),
        { email: email.trim(), role },
      );
      form.resetFields();
      onInvited(acceptUrl);
    } catch (error) {
      feedback.failed(error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('staff.invite')}
      okText={t('staff.sendInvitation')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'invite-submit' }}
    >
      <Form form={form} layout="vertical" initialValues={{ role: 'moderator' }} onFinish={(values) => void submit(values)}>
        <Form.Item name="email" label={t('common.email')} rules={[{ required: true, type: 'email' }]}>
          <Input autoFocus data-testid="invite-email" />
        </Form.Item>
        <Form.Item name="role" label={t('staff.role')} rules={[{ required: true }]}>
          <Select options={ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))} data-testid="invite-role" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

import { Form, Input } from 'antd';
import { api } from '../api/client.ts';
import { useFeedback } from '../feedback.ts';
import { useI18n } from '../I18nProvider.tsx';
import { FormModal } from './FormModal.tsx';
import { NewPasswordFields } from './NewPasswordFields.tsx';

interface Values {
  currentPassword: string;
  newPassword: string;
}

export function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const feedback = useFeedback();

  const submit = async ({ currentPassword, newPassword }: Values) => {
    await api.post('/auth/password', { currentPassword, newPassword });
    feedback.done(t('password.changed'));
  };

  return (
    <FormModal<Values> open={open} title={t('password.change')} okText={t('action.save')} onClose={onClose} onSubmit={submit}>
      <Form.Item name="currentPassword" label={t('password.current')} rules={[{ required: true }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <NewPasswordFields name="newPassword" label={t('password.new')} />
    </FormModal>
  );
}

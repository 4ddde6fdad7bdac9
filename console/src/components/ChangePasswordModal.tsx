import { Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { api } from '../api/client.ts';
import { useFeedback } from '../feedback.ts';
import { useI18n } from '../I18nProvider.tsx';
import { NewPasswordFields } from './NewPasswordFields.tsx';

interface Values {
  currentPassword: string;
  newPassword: string;
}

export function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const feedback = useFeedback();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);

  const close = () => {
    form.resetFields();
    onClose();
  };

  const submit = async ({ currentPassword, newPassword }: Values) => {
    setSaving(true);
    try {
      await api.post('/auth/password', { currentPassword, newPassword });
      feedback.done(t('password.changed'));
      close();
    } catch (error) {
      feedback.failed(error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('password.change')}
      okText={t('action.save')}
      onOk={() => form.submit()}
      onCancel={close}
      confirmLoading={saving}
    >
      <Form form={form} layout="vertical" onFinish={(values) => void submit(values)}>
        <Form.Item name="currentPassword" label={t('password.current')} rules={[{ required: true }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <NewPasswordFields name="newPassword" label={t('password.new')} />
      </Form>
    </Modal>
  );
}

import { Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client.ts';
import type { Workspace } from '../api/types.ts';
import { useFeedback } from '../feedback.ts';
import { useI18n } from '../I18nProvider.tsx';
import { useSession } from '../session.tsx';

/** Creates a workspace (the creator becomes its owner) and opens it. */
export function CreateWorkspaceModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const { refresh } = useSession();
  const feedback = useFeedback();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ name: string }>();
  const [saving, setSaving] = useState(false);

  const submit = async ({ name }: { name: string }) => {
    setSaving(true);
    try {
      const workspace = await api.post<Workspace>('/workspaces', { name: name.trim() });
      await refresh();
      onClose();
      form.resetFields();
      navigate(`/w/${workspace.id}/overview`);
    } catch (error) {
      feedback.failed(error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('workspace.create')}
      okText={t('action.create')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'workspace-create-submit' }}
    >
      <Form form={form} layout="vertical" onFinish={(values) => void submit(values)}>
        <Form.Item name="name" label={t('workspace.name')} rules={[{ required: true, whitespace: true, max: 100 }]}>
          <Input autoFocus data-testid="workspace-name" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

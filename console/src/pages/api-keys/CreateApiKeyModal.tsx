import { Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import type { ApiKey } from '../../api/types.ts';
import { describeError, useFeedback } from '../../feedback.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';

interface Values {
  name: string;
  scopes: string[];
  ipAllowList?: string;
}

interface Props {
  open: boolean;
  onClose: () => void;
  /** Receives the key's secret, which the server returns only in this answer. */
  onCreated: (secret: string) => void;
}

export function CreateApiKeyModal({ open, onClose, onCreated }: Props) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const scopes = useResource('/api-key-scopes', () => api.get<{ items: string[] }>('/api-key-scopes'));

  const submit = async ({ name, scopes: chosen, ipAllowList }: Values) => {
    setSaving(true);
    try {
      const created = await api.post<ApiKey & { secret: string }>(workspacePath(workspace.id, 'api-keys'), {
        name: name.trim(),
        scopes: chosen,
        ipAllowList: (ipAllowList ?? '')
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean),
      });
      form.resetFields();
      onCreated(created.secret);
    } catch (error) {
      feedback.failed(error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('apiKeys.create')}
      okText={t('action.create')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'api-key-submit' }}
    >
      <Form form={form} layout="vertical" onFinish={(values) => void submit(values)}>
        <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true, max: 100 }]}>
          <Input autoFocus data-testid="api-key-name" />
        </Form.Item>
        <Form.Item
          name="scopes"
          label={t('apiKeys.scopes')}
          rules={[{ required: true }]}
          help={scopes.error ? describeError(scopes.error, t) : undefined}
          validateStatus={scopes.error ? 'error' : undefined}
        >
          <Select
            mode="multiple"
            loading={scopes.loading}
            options={(scopes.data?.items ?? []).map((scope) => ({ value: scope, label: scope }))}
            data-testid="api-key-scopes"
          />
        </Form.Item>
        <Form.Item name="ipAllowList" label={t('apiKeys.ipAllowList')} extra={t('apiKeys.ipAllowListHelp')}>
          <Input.TextArea rows={3} placeholder={'203.0.113.7\n198.51.100.0/24'} data-testid="api-key-ips" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

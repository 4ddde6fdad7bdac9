import { PlusOutlined } from '@ant-design/icons';
import { Form, Input, Select } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { ApiKey } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { describeError } from '../../feedback.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';

interface Values {
  name: string;
  scopes: string[];
  ipAllowList?: string;
}

/** "Create API key" and its form; `onCreated` receives the key's secret, which the server returns only then. */
export function CreateApiKeyModal({ onCreated }: { onCreated: (secret: string) => void }) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const scopes = useResource('/api-key-scopes', () => api.get<{ items: string[] }>('/api-key-scopes'));

  const submit = async ({ name, scopes: chosen, ipAllowList }: Values) => {
    const created = await api.post<ApiKey & { secret: string }>(workspacePath(workspace.id, 'api-keys'), {
      name: name.trim(),
      scopes: chosen,
      ipAllowList: (ipAllowList ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
    });
    onCreated(created.secret);
  };

  return (
    <FormModal<Values>
      trigger={{ icon: <PlusOutlined />, primary: true, testId: 'api-key-create' }}
      title={t('apiKeys.create')}
      okText={t('action.create')}
      onSubmit={submit}
      submitTestId="api-key-submit"
    >
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
    </FormModal>
  );
}

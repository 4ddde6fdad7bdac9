import { PlusOutlined } from '@ant-design/icons';
import { Form, Input } from 'antd';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client.ts';
import type { Workspace } from '../api/types.ts';
import { useI18n } from '../I18nProvider.tsx';
import { useSession } from '../session.tsx';
import { FormModal } from './FormModal.tsx';

interface Values {
  name: string;
}

/** "Create workspace" and its form: the creator becomes the owner, and the new workspace opens. */
export function CreateWorkspaceModal({ primary = false, iconOnly = false }: { primary?: boolean; iconOnly?: boolean }) {
  const { t } = useI18n();
  const { refresh } = useSession();
  const navigate = useNavigate();

  const submit = async ({ name }: Values) => {
    const workspace = await api.post<Workspace>('/workspaces', { name: name.trim() });
    await refresh();
    navigate(`/w/${workspace.id}/overview`);
  };

  return (
    <FormModal<Values>
      trigger={{ icon: <PlusOutlined />, primary, iconOnly, testId: 'workspace-create' }}
      title={t('workspace.create')}
      okText={t('action.create')}
      onSubmit={submit}
      submitTestId="workspace-create-submit"
    >
      <Form.Item name="name" label={t('workspace.name')} rules={[{ required: true, whitespace: true, max: 100 }]}>
        <Input autoFocus data-testid="workspace-name" />
      </Form.Item>
    </FormModal>
  );
}

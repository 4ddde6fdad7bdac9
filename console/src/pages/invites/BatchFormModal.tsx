import { AppstoreAddOutlined } from '@ant-design/icons';
import { Form, InputNumber } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { InviteBatch } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { INVITE_FIELD_DEFAULTS, InviteFields, inviteBody, type InviteFieldValues } from './InviteFields.tsx';

/** The server's ceiling for one batch (BATCH_MAX_CODES). */
const MAX_CODES = 1_000_000;

type Values = InviteFieldValues & { count: number };

/** "Generate codes": a background batch of up to a million codes sharing one owner, purpose and validity. */
export function BatchFormModal({ onCreated }: { onCreated: (batch: InviteBatch) => void }) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const submit = async ({ count, ...values }: Values) => {
    onCreated(await api.post<InviteBatch>(workspacePath(workspace.id, 'invite-batches'), { count, ...inviteBody(values) }));
  };
  return (
    <FormModal<Values>
      trigger={{ icon: <AppstoreAddOutlined />, testId: 'batch-create' }}
      title={t('batches.create')}
      okText={t('batches.generate')}
      onSubmit={submit}
      initialValues={{ ...INVITE_FIELD_DEFAULTS, count: 100 }}
      submitTestId="batch-submit"
      width={760}
    >
      <Form.Item name="count" label={t('batches.count')} extra={t('batches.countHint')} rules={[{ required: true }]}>
        <InputNumber min={1} max={MAX_CODES} precision={0} style={{ width: 200 }} data-testid="batch-count" />
      </Form.Item>
      <InviteFields />
    </FormModal>
  );
}

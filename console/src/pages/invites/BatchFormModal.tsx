import { AppstoreAddOutlined } from '@ant-design/icons';
import { Form, InputNumber } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import type { InviteBatch, Workspace } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { INVITE_FIELD_DEFAULTS, InviteFields, inviteBody, type InviteFieldValues } from './InviteFields.tsx';

/** The server's ceiling for one batch (BATCH_MAX_CODES), until the plan's own limit has loaded. */
const MAX_CODES = 1_000_000;

type Values = InviteFieldValues & { count: number };

/**
 * "Generate codes": a background batch sharing one owner, purpose and validity, of at most the
 * plan's inviteCodesPerBatch codes (the form says so and stops a larger count; the server's refusal
 * lands on the field all the same).
 */
export function BatchFormModal({ onCreated }: { onCreated: (batch: InviteBatch) => void }) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const details = useResource(workspacePath(workspace.id), () => api.get<Workspace>(workspacePath(workspace.id)));
  const max = details.data?.limits.inviteCodesPerBatch ?? MAX_CODES;
  const submit = async ({ count, ...values }: Values) => {
    onCreated(await api.post<InviteBatch>(workspacePath(workspace.id, 'invite-batches'), { count, ...inviteBody(values) }));
  };
  return (
    <FormModal<Values>
      trigger={{ icon: <AppstoreAddOutlined />, testId: 'batch-create' }}
      title={t('batches.create')}
      okText={t('batches.generate')}
      onSubmit={submit}
      initialValues={{ ...INVITE_FIELD_DEFAULTS, count: Math.min(100, max) }}
      submitTestId="batch-submit"
      width={760}
    >
      <Form.Item
        name="count"
        label={t('batches.count')}
        extra={<span data-testid="batch-count-hint">{t('batches.countHint', { max: max.toLocaleString() })}</span>}
        rules={[{ required: true }, { type: 'number', max, message: t('batches.countOverPlan', { max: max.toLocaleString() }) }]}
      >
        <InputNumber min={1} precision={0} style={{ width: 200 }} data-testid="batch-count" />
      </Form.Item>
      <InviteFields />
    </FormModal>
  );
}

import { Checkbox, Form, Input, InputNumber, Radio } from 'antd';
import { api, workspacePath } from '../../api/client.ts';
import { BLAST_RADIUS_ACTIONS, type BlastRadiusAction, type CodeRevoked, type JoinCode } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';

interface Values {
  reason?: string;
  withBlastRadius?: boolean;
  hours?: number;
  action?: BlastRadiusAction;
}

interface Props {
  code: JoinCode;
  open: boolean;
  onClose: () => void;
  onRevoked: (revoked: CodeRevoked) => void;
}

/**
 * Revoking a code for good, optionally with its blast radius: everyone who joined through it in the
 * last N hours is held for review or removed in the same action (a leaked poster's harvest).
 */
export function RevokeCodeModal({ code, open, onClose, onRevoked }: Props) {
  const { t } = useI18n();
  const workspace = useWorkspace();

  const submit = async (values: Values) => {
    const body: Record<string, unknown> = {};
    const reason = values.reason?.trim();
    if (reason) body.reason = reason;
    if (values.withBlastRadius && values.hours && values.action) body.blastRadius = { hours: values.hours, action: values.action };
    onRevoked(await api.post<CodeRevoked>(workspacePath(workspace.id, 'codes', code.id, 'revoke'), body));
  };

  return (
    <FormModal<Values>
      open={open}
      onClose={onClose}
      title={t('codes.revokeTitle', { name: code.name })}
      okText={t('codes.revoke')}
      onSubmit={submit}
      initialValues={{ withBlastRadius: false, hours: 24, action: 'review' }}
      submitTestId="code-revoke-ok"
    >
      <p>{t('codes.revokeConfirm')}</p>
      <Form.Item name="reason" label={t('codes.revokeReason')} rules={[{ max: 500 }]}>
        <Input.TextArea rows={2} data-testid="code-revoke-reason" />
      </Form.Item>
      <Form.Item name="withBlastRadius" valuePropName="checked" extra={t('codes.blastRadiusHint')}>
        <Checkbox data-testid="code-blast-radius">{t('codes.blastRadius')}</Checkbox>
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a: Values, b: Values) => a.withBlastRadius !== b.withBlastRadius}>
        {({ getFieldValue }) =>
          getFieldValue('withBlastRadius') && (
            <>
              <Form.Item name="hours" label={t('codes.blastRadiusHours')} rules={[{ required: true }]}>
                <InputNumber min={1} max={720} precision={0} style={{ width: 160 }} data-testid="code-blast-hours" />
              </Form.Item>
              <Form.Item name="action" label={t('codes.blastRadiusAction')}>
                <Radio.Group data-testid="code-blast-action">
                  {BLAST_RADIUS_ACTIONS.map((action) => (
                    <Radio key={action} value={action}>
                      {t(`codes.blastRadius.${action}`)}
                    </Radio>
                  ))}
                </Radio.Group>
              </Form.Item>
            </>
          )
        }
      </Form.Item>
    </FormModal>
  );
}

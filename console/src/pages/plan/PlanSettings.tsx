import { Alert, Button, Card, Form, Input, InputNumber, Select, Switch } from 'antd';
import { useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import type { Plan, PlanDefaults, PlanLimits, Workspace } from '../../api/types.ts';
import { ErrorResult } from '../../components/ErrorResult.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useFeedback } from '../../feedback.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canEditWorkspace } from '../../permissions.ts';
import { useSession } from '../../session.tsx';
import { useWorkspace } from '../../workspace.ts';
import { NullableNumber } from './NullableNumber.tsx';

interface Values {
  name: string;
  plan: Plan;
  limits: PlanLimits;
}

const PLANS: readonly Plan[] = ['free', 'pro', 'enterprise'];
type NullableLimit = 'maxCodeValidityHours' | 'scansPerCodePerDay' | 'inviteCodesPerOwnerPerDay';

/** The workspace's name, plan and limits; owners edit them, everyone else reads them. */
export default function PlanSettings() {
  const { t } = useI18n();
  const membership = useWorkspace();
  const { refresh } = useSession();
  const feedback = useFeedback();
  const editable = canEditWorkspace(membership.role);
  const path = workspacePath(membership.id);
  const workspace = useResource(path, () => api.get<Workspace>(path));
  const plans = useResource('/plans', () => api.get<{ items: PlanDefaults[] }>('/plans'));
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const plan = Form.useWatch('plan', form);
  const defaults = plans.data?.items.find((p) => p.plan === plan)?.limits;

  const choosePlan = (next: Plan) => {
    const limits = plans.data?.items.find((p) => p.plan === next)?.limits;
    if (limits) form.setFieldValue('limits', limits);
  };

  const save = async ({ name, plan: chosen, limits }: Values) => {
    setSaving(true);
    try {
      const saved = await api.patch<Workspace>(path, { name: name.trim(), plan: chosen, limits });
      form.setFieldsValue(saved);
      feedback.done(t('plan.saved'));
      await refresh();
    } catch (error) {
      feedback.failed(error);
    } finally {
      setSaving(false);
    }
  };

  const defaultHint = (value: number | boolean | null | undefined, nullLabel: string) => {
    if (value === undefined) return undefined;
    const shown = value === null ? nullLabel : typeof value === 'boolean' ? t(value ? 'common.yes' : 'common.no') : String(value);
    return t('plan.planDefault', { value: shown });
  };
  const nullable = (name: NullableLimit, label: string, nullLabel: string) => (
    <Form.Item name={['limits', name]} label={label} extra={defaultHint(defaults?.[name], nullLabel)}>
      <NullableNumber nullLabel={nullLabel} disabled={!editable} testId={`limit-${name}`} />
    </Form.Item>
  );

  const error = workspace.error ?? plans.error;
  if (error) return <ErrorResult error={error} onRetry={workspace.error ? workspace.reload : plans.reload} />;
  return (
    <>
      <PageHeader title={t('nav.plan')} />
      {!editable && <Alert type="info" showIcon title={t('plan.ownerOnly')} style={{ marginBottom: 16 }} />}
      <Card loading={!workspace.data || !plans.data} style={{ maxWidth: 720 }}>
        {workspace.data && plans.data && (
          <Form
            form={form}
            layout="vertical"
            initialValues={workspace.data}
            disabled={!editable}
            onFinish={(values) => void save(values)}
          >
            <Form.Item name="name" label={t('workspace.name')} rules={[{ required: true, whitespace: true, max: 100 }]}>
              <Input data-testid="plan-workspace-name" />
            </Form.Item>
            <Form.Item name="plan" label={t('plan.plan')} extra={editable ? t('plan.planHint') : undefined}>
              <Select options={PLANS.map((p) => ({ value: p, label: t(`plan.${p}`) }))} onChange={choosePlan} data-testid="plan-select" />
            </Form.Item>
            {nullable('maxCodeValidityHours', t('plan.maxCodeValidityHours'), t('plan.permanent'))}
            {nullable('scansPerCodePerDay', t('plan.scansPerCodePerDay'), t('plan.unlimited'))}
            <Form.Item
              name={['limits', 'memberCapPerGroup']}
              label={t('plan.memberCapPerGroup')}
              rules={[{ required: true }]}
              extra={defaultHint(defaults?.memberCapPerGroup, '')}
            >
              <InputNumber min={1} precision={0} style={{ width: 160 }} data-testid="limit-memberCapPerGroup" />
            </Form.Item>
            {nullable('inviteCodesPerOwnerPerDay', t('plan.inviteCodesPerOwnerPerDay'), t('plan.unlimited'))}
            <Form.Item
              name={['limits', 'inviteCodesPerBatch']}
              label={t('plan.inviteCodesPerBatch')}
              rules={[{ required: true }]}
              extra={defaultHint(defaults?.inviteCodesPerBatch, '')}
            >
              <InputNumber min={1} max={1_000_000} precision={0} style={{ width: 160 }} data-testid="limit-inviteCodesPerBatch" />
            </Form.Item>
            <Form.Item
              name={['limits', 'apiAccess']}
              label={t('plan.apiAccess')}
              valuePropName="checked"
              extra={defaultHint(defaults?.apiAccess, '')}
            >
              <Switch data-testid="limit-apiAccess" />
            </Form.Item>
            {editable && (
              <Button type="primary" htmlType="submit" loading={saving} data-testid="plan-save">
                {t('action.save')}
              </Button>
            )}
          </Form>
        )}
      </Card>
    </>
  );
}

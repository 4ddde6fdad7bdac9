import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, InputNumber, Space, type GetProps } from 'antd';
import { useI18n } from '../../I18nProvider.tsx';
import { minorDigits, toMajor, toMinor } from './money.ts';

/** A sum of money in the major unit, with the currency's decimals; the form converts it with toMinor. */
export function MoneyInput({ currency, testId, ...props }: { currency: string; testId?: string; value?: number | null; onChange?: (value: number | null) => void }) {
  return <InputNumber min={0} precision={minorDigits(currency)} suffix={currency} style={{ width: 200 }} data-testid={testId} {...props} />;
}

/** Milestone tiers as the API has them (minor units) ↔ as the form holds them (major units). */
export interface MilestoneValues {
  invitees: number;
  amount: number;
}

export function milestonesToForm(milestones: { invitees: number; amount: number }[], currency: string): MilestoneValues[] {
  return milestones.map((m) => ({ invitees: m.invitees, amount: toMajor(m.amount, currency) }));
}

export function milestonesFromForm(milestones: MilestoneValues[] | undefined, currency: string): { invitees: number; amount: number }[] {
  return (milestones ?? []).map((m) => ({ invitees: m.invitees, amount: toMinor(m.amount, currency) }));
}

/** Milestone tiers (rising invitee counts, each with a reward), under `name` of the form. */
export function MilestoneFields({ name, currency, testId }: { name: GetProps<typeof Form.List>['name']; currency: string; testId: string }) {
  const { t } = useI18n();
  return (
    <Form.Item label={t('rewards.milestones')} extra={t('rewards.milestonesHint')}>
      <Form.List name={name}>
        {(fields, { add, remove }) => (
          <Space direction="vertical" style={{ width: '100%' }}>
            {fields.map((field, index) => (
              <Space key={field.key} align="baseline" wrap>
                <Form.Item name={[field.name, 'invitees']} rules={[{ required: true }]} noStyle>
                  <InputNumber min={1} precision={0} prefix={t('rewards.tierInvitees')} style={{ width: 180 }} data-testid={`${testId}-invitees-${index}`} />
                </Form.Item>
                <Form.Item name={[field.name, 'amount']} rules={[{ required: true }]} noStyle>
                  <MoneyInput currency={currency} testId={`${testId}-amount-${index}`} />
                </Form.Item>
                <Button icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t('action.remove')} />
              </Space>
            ))}
            {fields.length < 20 && (
              <Button icon={<PlusOutlined />} onClick={() => add()} data-testid={`${testId}-add`}>
                {t('rewards.addTier')}
              </Button>
            )}
          </Space>
        )}
      </Form.List>
    </Form.Item>
  );
}

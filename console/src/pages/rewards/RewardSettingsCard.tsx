import { Alert, Button, Card, Col, Descriptions, Form, Input, InputNumber, Row, Switch, Typography } from 'antd';
import { useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import type { RewardSettings } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { describeError, useFeedback } from '../../feedback.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canManageRewards } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';
import { MilestoneFields, milestonesFromForm, milestonesToForm, MoneyInput, type MilestoneValues } from './MoneyFields.tsx';
import { toMajor, toMinor, useMoney } from './money.ts';
import { useRewardSettings } from './useRewardSettings.ts';

interface Values {
  currency: string;
  referralDepth: number;
  holdingDays: number;
  autoApprove: boolean;
  perRedemption: number;
  milestones: MilestoneValues[];
  /** Percent per level (1.5 = 150 basis points). */
  commissionPercent: (number | null)[];
}

const MAX_DEPTH = 10;

function formOf(s: RewardSettings): Values {
  return {
    currency: s.currency,
    referralDepth: s.referralDepth,
    holdingDays: s.holdingDays,
    autoApprove: s.autoApprove,
    perRedemption: toMajor(s.referral.perRedemption, s.currency),
    milestones: milestonesToForm(s.referral.milestones, s.currency),
    commissionPercent: s.referral.commissionBps.map((bps) => bps / 100),
  };
}

function settingsOf(v: Values): RewardSettings {
  const currency = v.currency.trim().toUpperCase();
  // Trailing empty levels are no levels; an empty level between two rates is 0.
  const percents = [...v.commissionPercent];
  while (percents.length > 0 && (percents.at(-1) === null || percents.at(-1) === undefined)) percents.pop();
  return {
    currency,
    referralDepth: v.referralDepth,
    holdingDays: v.holdingDays,
    autoApprove: v.autoApprove,
    referral: {
      perRedemption: toMinor(v.perRedemption ?? 0, currency),
      milestones: milestonesFromForm(v.milestones, currency),
      commissionBps: percents.map((p) => Math.round((p ?? 0) * 100)),
    },
  };
}

/** The reward settings (currency, depth, holding period, auto-approval) and the referral program's rules, with their form. */
export function RewardSettingsCard({ onSaved }: { onSaved: () => void }) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const settings = useRewardSettings();
  const s = settings.data;
  const money = useMoney(s?.currency);
  const [editing, setEditing] = useState(false);

  const submit = async (values: Values) => {
    await api.put<RewardSettings>(workspacePath(workspace.id, 'reward-settings'), settingsOf(values));
    feedback.done(t('rewards.settingsSaved'));
    settings.reload();
    onSaved();
  };

  return (
    <Card
      title={t('rewards.settings')}
      loading={!s && !settings.error}
      extra={
        canManageRewards(workspace.role) &&
        s && (
          <Button size="small" onClick={() => setEditing(true)} data-testid="reward-settings-edit">
            {t('action.edit')}
          </Button>
        )
      }
      data-testid="reward-settings"
    >
      {settings.error ? (
        <Alert type="error" showIcon title={describeError(settings.error, t)} />
      ) : (
        s && (
          <Descriptions column={{ xs: 1, md: 2 }} size="small">
            <Descriptions.Item label={t('rewards.currency')}>{s.currency}</Descriptions.Item>
            <Descriptions.Item label={t('rewards.referralDepth')}>{s.referralDepth}</Descriptions.Item>
            <Descriptions.Item label={t('rewards.holdingDays')}>
              <span data-testid="reward-settings-holding">{t('rewards.days', { days: s.holdingDays })}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('rewards.autoApprove')}>{t(s.autoApprove ? 'common.yes' : 'common.no')}</Descriptions.Item>
            <Descriptions.Item label={t('rewards.perRedemption')}>{money(s.referral.perRedemption)}</Descriptions.Item>
            <Descriptions.Item label={t('rewards.milestones')}>
              {s.referral.milestones.length === 0 ? (
                <Typography.Text type="secondary">{t('rewards.noMilestones')}</Typography.Text>
              ) : (
                s.referral.milestones.map((m) => t('rewards.tier', { invitees: m.invitees, amount: money(m.amount) })).join(' · ')
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('rewards.commission')} span={2}>
              {s.referral.commissionBps.length === 0 ? (
                <Typography.Text type="secondary">{t('rewards.noCommission')}</Typography.Text>
              ) : (
                s.referral.commissionBps.map((bps, i) => t('rewards.commissionLevel', { level: i + 1, percent: bps / 100 })).join(' · ')
              )}
            </Descriptions.Item>
          </Descriptions>
        )
      )}
      {editing && s && (
        <FormModal<Values>
          open
          onClose={() => setEditing(false)}
          title={t('rewards.settings')}
          okText={t('action.save')}
          onSubmit={submit}
          initialValues={formOf(s)}
          submitTestId="reward-settings-submit"
          width={760}
        >
          <Typography.Paragraph type="secondary">{t('rewards.settingsHint')}</Typography.Paragraph>
          <Row gutter={16}>
            <Col xs={24} md={6}>
              <Form.Item name="currency" label={t('rewards.currency')} extra={t('rewards.currencyHint')} rules={[{ required: true, pattern: /^[A-Za-z]{3}$/ }]}>
                <Input maxLength={3} style={{ textTransform: 'uppercase' }} data-testid="reward-settings-currency" />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name="referralDepth" label={t('rewards.referralDepth')} extra={t('rewards.referralDepthHint')} rules={[{ required: true }]}>
                <InputNumber min={1} max={MAX_DEPTH} precision={0} data-testid="reward-settings-depth" />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name="holdingDays" label={t('rewards.holdingDays')} extra={t('rewards.holdingDaysHint')} rules={[{ required: true }]}>
                <InputNumber min={0} max={365} precision={0} data-testid="reward-settings-holding-days" />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name="autoApprove" label={t('rewards.autoApprove')} extra={t('rewards.autoApproveHint')} valuePropName="checked">
                <Switch data-testid="reward-settings-auto-approve" />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item noStyle shouldUpdate={(a: Values, b: Values) => a.currency !== b.currency}>
            {({ getFieldValue }) => {
              const currency = String(getFieldValue('currency') ?? s.currency).toUpperCase();
              return (
                <>
                  <Form.Item name="perRedemption" label={t('rewards.perRedemption')} extra={t('rewards.perRedemptionHint')}>
                    <MoneyInput currency={currency} testId="reward-settings-per-redemption" />
                  </Form.Item>
                  <MilestoneFields name="milestones" currency={currency} testId="reward-settings-tier" />
                </>
              );
            }}
          </Form.Item>
          <Form.Item label={t('rewards.commission')} extra={t('rewards.commissionHint')}>
            <Form.List name="commissionPercent">
              {(fields, { add, remove }) => (
                <Row gutter={[8, 8]}>
                  {fields.map((field, index) => (
                    <Col key={field.key}>
                      <Form.Item name={field.name} noStyle>
                        <InputNumber min={0} max={100} precision={2} prefix={`L${index + 1}`} suffix="%" style={{ width: 140 }} data-testid={`reward-settings-commission-${index}`} />
                      </Form.Item>
                    </Col>
                  ))}
                  <Col>
                    <Button onClick={() => add(null)} disabled={fields.length >= MAX_DEPTH}>
                      {t('rewards.addLevel')}
                    </Button>
                  </Col>
                  {fields.length > 0 && (
                    <Col>
                      <Button onClick={() => remove(fields.length - 1)}>{t('rewards.removeLevel')}</Button>
                    </Col>
                  )}
                </Row>
              )}
            </Form.List>
          </Form.Item>
        </FormModal>
      )}
    </Card>
  );
}

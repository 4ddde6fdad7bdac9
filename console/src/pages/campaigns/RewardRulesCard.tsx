import { Alert, Button, Card, Descriptions, Form, Typography } from 'antd';
import { useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import type { CampaignRewardRules } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { describeError, useFeedback } from '../../feedback.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canManageRewards } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';
import { MilestoneFields, milestonesFromForm, milestonesToForm, MoneyInput, type MilestoneValues } from '../rewards/MoneyFields.tsx';
import { toMajor, toMinor, useMoney } from '../rewards/money.ts';
import { useRewardSettings } from '../rewards/useRewardSettings.ts';

interface Values {
  perRedemption: number;
  milestones: MilestoneValues[];
}

/** A campaign's own reward rules (per redemption of its codes, milestone tiers), in the workspace's currency. */
export function RewardRulesCard({ campaignId, onSaved }: { campaignId: string; onSaved: () => void }) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const path = workspacePath(workspace.id, 'invite-campaigns', campaignId, 'reward-rules');
  const rules = useResource(path, () => api.get<CampaignRewardRules>(path));
  const settings = useRewardSettings();
  const currency = settings.data?.currency;
  const money = useMoney(currency);
  const [editing, setEditing] = useState(false);
  const error = rules.error ?? settings.error;
  const r = rules.data;

  const submit = async (values: Values) => {
    if (!currency) return;
    await api.put<CampaignRewardRules>(path, { perRedemption: toMinor(values.perRedemption ?? 0, currency), milestones: milestonesFromForm(values.milestones, currency) });
    feedback.done(t('rewards.rulesSaved'));
    rules.reload();
    onSaved();
  };

  return (
    <Card
      title={t('rewards.campaignRules')}
      loading={!error && (!r || !currency)}
      extra={
        canManageRewards(workspace.role) &&
        r &&
        currency && (
          <Button size="small" onClick={() => setEditing(true)} data-testid="campaign-rules-edit">
            {t('action.edit')}
          </Button>
        )
      }
      data-testid="campaign-rules"
    >
      {error ? (
        <Alert type="error" showIcon title={describeError(error, t)} />
      ) : (
        r && (
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('rewards.perRedemption')}>{money(r.perRedemption)}</Descriptions.Item>
            <Descriptions.Item label={t('rewards.milestones')}>
              {r.milestones.length === 0 ? (
                <Typography.Text type="secondary">{t('rewards.noMilestones')}</Typography.Text>
              ) : (
                r.milestones.map((m) => t('rewards.tier', { invitees: m.invitees, amount: money(m.amount) })).join(' · ')
              )}
            </Descriptions.Item>
          </Descriptions>
        )
      )}
      {editing && r && currency && (
        <FormModal<Values>
          open
          onClose={() => setEditing(false)}
          title={t('rewards.campaignRules')}
          okText={t('action.save')}
          onSubmit={submit}
          initialValues={{ perRedemption: toMajor(r.perRedemption, currency), milestones: milestonesToForm(r.milestones, currency) }}
          submitTestId="campaign-rules-submit"
          width={640}
        >
          <Form.Item name="perRedemption" label={t('rewards.perRedemption')} extra={t('rewards.perRedemptionHint')}>
            <MoneyInput currency={currency} testId="campaign-rules-per-redemption" />
          </Form.Item>
          <MilestoneFields name="milestones" currency={currency} testId="campaign-rules-tier" />
        </FormModal>
      )}
    </Card>
  );
}

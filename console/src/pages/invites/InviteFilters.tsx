import { Form, Input, Select, Tag } from 'antd';
import { useEffect } from 'react';
import { INVITE_STATES, PURPOSES } from '../../api/types.ts';
import { FilterButtons } from '../../components/FilterButtons.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { PartyFilterField } from '../referrals/PartyFilterField.tsx';
import { useCampaigns } from './useCampaigns.ts';

// A type, not an interface: it is used as a query-string record.
export type InviteFilter = {
  code?: string;
  state?: string;
  purpose?: string;
  ownerUserId?: string;
  ownerMemberId?: string;
  campaignId?: string;
  batchId?: string;
};

export const FILTER_KEYS = ['code', 'state', 'purpose', 'ownerUserId', 'ownerMemberId', 'campaignId', 'batchId'] as const satisfies readonly (keyof InviteFilter)[];

interface Values {
  code?: string;
  state?: string;
  purpose?: string;
  ownerType: 'user' | 'member';
  ownerId?: string;
  campaignId?: string;
}

function valuesOf(filter: InviteFilter): Values {
  return {
    code: filter.code,
    state: filter.state,
    purpose: filter.purpose,
    ownerType: filter.ownerMemberId ? 'member' : 'user',
    ownerId: filter.ownerMemberId ?? filter.ownerUserId,
    campaignId: filter.campaignId,
  };
}

/**
 * The list's filters (the export and "revoke all matching" take the same): part of a code, state,
 * purpose, owner, campaign, and a batch picked from the batches tab.
 */
export function InviteFilters({ filter, onChange }: { filter: InviteFilter; onChange: (filter: InviteFilter) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const campaigns = useCampaigns();

  // The filter also changes from outside (a batch's "show codes", a link from a campaign).
  useEffect(() => form.setFieldsValue(valuesOf(filter)), [filter, form]);

  const apply = ({ code, state, purpose, ownerType, ownerId, campaignId }: Values) => {
    // Owner ids are matched as stored: only surrounding spaces are dropped. Code text is sent as
    // typed: the server ignores case, spaces and dashes as it does when redeeming.
    const owner = ownerId?.trim() || undefined;
    onChange({
      code: code?.trim() || undefined,
      state,
      purpose,
      ownerUserId: ownerType === 'user' ? owner : undefined,
      ownerMemberId: ownerType === 'member' ? owner : undefined,
      campaignId,
      batchId: filter.batchId,
    });
  };

  return (
    <Form form={form} layout="inline" initialValues={valuesOf(filter)} onFinish={apply} style={{ rowGap: 12, marginBottom: 16 }}>
      <Form.Item name="code" rules={[{ max: 100 }]}>
        <Input placeholder={t('invites.codeFilter')} allowClear style={{ width: 180 }} data-testid="invite-filter-code" />
      </Form.Item>
      <Form.Item name="state">
        <Select
          placeholder={t('invites.stateLabel')}
          allowClear
          options={INVITE_STATES.map((s) => ({ value: s, label: t(`invites.state.${s}`) }))}
          style={{ width: 130 }}
          data-testid="invite-filter-state"
        />
      </Form.Item>
      <Form.Item name="purpose">
        <Select
          placeholder={t('invites.purpose')}
          allowClear
          options={PURPOSES.map((p) => ({ value: p, label: t(`invites.purpose.${p}`) }))}
          style={{ width: 150 }}
          data-testid="invite-filter-purpose"
        />
      </Form.Item>
      <PartyFilterField typeName="ownerType" idName="ownerId" placeholder={t('invites.ownerId')} typeTestId="invite-filter-owner-type" idTestId="invite-filter-owner" />
      <Form.Item name="campaignId">
        <Select
          placeholder={t('invites.campaign')}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          options={(campaigns.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
          style={{ width: 180 }}
          data-testid="invite-filter-campaign"
        />
      </Form.Item>
      {filter.batchId && (
        <Form.Item>
          <Tag closable onClose={() => onChange({ ...filter, batchId: undefined })} data-testid="invite-filter-batch">
            {t('invites.batchFilter', { id: filter.batchId })}
          </Tag>
        </Form.Item>
      )}
      <FilterButtons
        applyTestId="invite-filter-apply"
        onReset={() => {
          // Not resetFields(): initialValues follow the filter, so that would put the old filter back.
          form.setFieldsValue(valuesOf({}));
          onChange({});
        }}
      />
    </Form>
  );
}

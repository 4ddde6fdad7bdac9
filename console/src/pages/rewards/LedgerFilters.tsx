import { Form, Input, Select } from 'antd';
import { ENTRY_KINDS } from '../../api/types.ts';
import { FilterButtons } from '../../components/FilterButtons.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { useCampaigns } from '../invites/useCampaigns.ts';
import { PartyFilterField } from '../referrals/PartyFilterField.tsx';
import { partyKey } from '../referrals/PartyLink.tsx';

// A type, not an interface: it is used as a query-string record.
export type LedgerFilter = {
  state?: string;
  kind?: string;
  beneficiary?: string;
  program?: string;
  orderId?: string;
};

interface Values {
  kind?: string;
  beneficiaryType: 'user' | 'member';
  beneficiaryId?: string;
  program?: string;
  orderId?: string;
}

/** The ledger's filters other than the state (the totals above pick that). */
export function LedgerFilters({ filter, onChange }: { filter: LedgerFilter; onChange: (filter: LedgerFilter) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const campaigns = useCampaigns();
  const apply = ({ kind, beneficiaryType, beneficiaryId, program, orderId }: Values) => {
    const id = beneficiaryId?.trim();
    onChange({ state: filter.state, kind, beneficiary: id ? partyKey(beneficiaryType, id) : undefined, program, orderId: orderId?.trim() || undefined });
  };
  return (
    <Form form={form} layout="inline" initialValues={{ beneficiaryType: 'user' }} onFinish={apply} style={{ rowGap: 12, marginBottom: 16 }}>
      <Form.Item name="kind">
        <Select placeholder={t('rewards.kind')} allowClear options={ENTRY_KINDS.map((k) => ({ value: k, label: t(`rewards.kind.${k}`) }))} style={{ width: 140 }} data-testid="ledger-filter-kind" />
      </Form.Item>
      <PartyFilterField typeName="beneficiaryType" idName="beneficiaryId" placeholder={t('rewards.beneficiary')} idTestId="ledger-filter-beneficiary" />
      <Form.Item name="program">
        <Select
          placeholder={t('rewards.program')}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          options={[{ value: 'referral', label: t('rewards.program.referral') }, ...(campaigns.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))]}
          style={{ width: 180 }}
          data-testid="ledger-filter-program"
        />
      </Form.Item>
      <Form.Item name="orderId" rules={[{ max: 64 }]}>
        <Input placeholder={t('rewards.orderId')} allowClear style={{ width: 160 }} />
      </Form.Item>
      <FilterButtons
        applyTestId="ledger-filter-apply"
        onReset={() => {
          form.resetFields();
          onChange({});
        }}
      />
    </Form>
  );
}

import { PlusOutlined } from '@ant-design/icons';
import { DatePicker, Form, Input, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, workspacePath } from '../../api/client.ts';
import type { Campaign, CampaignStatus } from '../../api/types.ts';
import { FormModal } from '../../components/FormModal.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { NullableNumber } from '../plan/NullableNumber.tsx';

interface Values {
  name: string;
  description?: string;
  dates: [Dayjs, Dayjs | null];
  status: CampaignStatus;
  perRedeemerLimit: number | null;
}

type Props = { onSaved: (campaign: Campaign) => void } & ({ campaign?: undefined; open?: never; onClose?: never } | { campaign: Campaign; open: boolean; onClose: () => void });

/** "Create campaign" (its own button) or "Edit campaign": name, dates (open-ended allowed), status and the per-redeemer limit. */
export function CampaignFormModal(props: Props) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const { campaign, onSaved } = props;
  const ended = campaign?.status === 'ended';

  const submit = async ({ name, description, dates, status, perRedeemerLimit }: Values) => {
    const body: Record<string, unknown> = {
      name: name.trim(),
      description: description?.trim() ?? '',
      startsAt: dates[0].toISOString(),
      endsAt: dates[1] ? dates[1].toISOString() : null,
      perRedeemerLimit,
    };
    // An ended campaign stays ended: its status is not sent again.
    if (!ended) body.status = status;
    onSaved(
      campaign
        ? await api.patch<Campaign>(workspacePath(workspace.id, 'invite-campaigns', campaign.id), body)
        : await api.post<Campaign>(workspacePath(workspace.id, 'invite-campaigns'), body),
    );
  };

  const initialValues: Partial<Values> = campaign
    ? {
        name: campaign.name,
        description: campaign.description,
        dates: [dayjs(campaign.startsAt), campaign.endsAt ? dayjs(campaign.endsAt) : null],
        status: campaign.status,
        perRedeemerLimit: campaign.perRedeemerLimit,
      }
    : { dates: [dayjs().startOf('minute'), null], status: 'active', perRedeemerLimit: null };
  const opening = campaign ? { open: props.open, onClose: props.onClose } : { trigger: { icon: <PlusOutlined />, primary: true, testId: 'campaign-create' } };
  const startRequired = async (_rule: unknown, value?: Values['dates']) => {
    if (!value?.[0]) throw new Error(t('campaigns.startRequired'));
  };
  const statuses: CampaignStatus[] = campaign ? ['active', 'paused', 'ended'] : ['active', 'paused'];

  return (
    <FormModal<Values>
      {...opening}
      title={t(campaign ? 'campaigns.edit' : 'campaigns.create')}
      okText={t(campaign ? 'action.save' : 'action.create')}
      onSubmit={submit}
      initialValues={initialValues}
      submitTestId="campaign-submit"
      width={640}
    >
      <Form.Item name="name" label={t('common.name')} rules={[{ required: true, whitespace: true }, { max: 120 }]}>
        <Input data-testid="campaign-name" />
      </Form.Item>
      <Form.Item name="description" label={t('common.description')} rules={[{ max: 2000 }]}>
        <Input.TextArea rows={2} data-testid="campaign-description" />
      </Form.Item>
      <Form.Item name="dates" label={t('campaigns.dates')} extra={t('campaigns.datesHint')} rules={[{ validator: startRequired }]}>
        <DatePicker.RangePicker showTime allowEmpty={[false, true]} style={{ width: '100%' }} data-testid="campaign-dates" />
      </Form.Item>
      <Form.Item name="status" label={t('common.status')} extra={ended ? t('campaigns.endedFinal') : t('campaigns.statusHint')}>
        <Select disabled={ended} options={statuses.map((s) => ({ value: s, label: t(`campaigns.status.${s}`) }))} data-testid="campaign-status" />
      </Form.Item>
      <Form.Item name="perRedeemerLimit" label={t('campaigns.perRedeemerLimit')} extra={t('campaigns.perRedeemerLimitHint')}>
        <NullableNumber nullLabel={t('campaigns.noLimit')} testId="campaign-limit" />
      </Form.Item>
    </FormModal>
  );
}

import { Col, DatePicker, Form, Input, Radio, Row, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { PURPOSES, VALIDITY_PRESETS, type CodeTags, type Purpose, type ValidityPreset } from '../../api/types.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { CodeTagFields, cleanTags } from '../codes/CodeTagFields.tsx';
import { NullableNumber } from '../plan/NullableNumber.tsx';
import { PartyTypeSelect } from '../referrals/PartyTypeSelect.tsx';
import { useCampaigns } from './useCampaigns.ts';

/** What the "create one code" and "generate a batch" forms share: the fields of POST …/invites. */
export interface InviteFieldValues {
  ownerType: 'user' | 'member';
  ownerId: string;
  ownerName?: string;
  purpose: Purpose;
  campaignId?: string;
  routingType?: 'agent' | 'queue';
  routingName?: string;
  tags?: CodeTags;
  validity: ValidityPreset;
  expiresAt?: Dayjs;
  maxUses: number | null;
}

export const INVITE_FIELD_DEFAULTS: Partial<InviteFieldValues> = { ownerType: 'user', purpose: 'referral', validity: '72h', maxUses: 1, tags: {}, routingType: 'agent' };

/** The request body for the API: only the fields the purpose and validity take. */
export function inviteBody(values: InviteFieldValues): Record<string, unknown> {
  const ownerName = values.ownerName?.trim();
  const owner = values.ownerType === 'member' ? { memberId: values.ownerId.trim() } : { userId: values.ownerId.trim(), ...(ownerName ? { displayName: ownerName } : {}) };
  const body: Record<string, unknown> = { owner, purpose: values.purpose, validity: values.validity, maxUses: values.maxUses };
  if (values.purpose === 'campaign') body.campaignId = values.campaignId;
  if (values.purpose === 'support') body.routing = { type: values.routingType, name: values.routingName?.trim() };
  const tags = cleanTags(values.tags);
  if (Object.keys(tags).length > 0) body.tags = tags;
  if (values.validity === 'custom' && values.expiresAt) body.expiresAt = values.expiresAt.toISOString();
  return body;
}

/** The validity preset, and the date of a custom expiry (later than now); also the extend form. */
export function ValidityFields() {
  const { t } = useI18n();
  return (
    <>
      <Form.Item name="validity" label={t('invites.validity')} extra={t('invites.validityHint')}>
        <Radio.Group optionType="button" options={VALIDITY_PRESETS.map((v) => ({ value: v, label: t(`invites.validity.${v}`) }))} data-testid="invite-validity" />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a: InviteFieldValues, b: InviteFieldValues) => a.validity !== b.validity}>
        {({ getFieldValue }) =>
          getFieldValue('validity') === 'custom' && (
            <Form.Item name="expiresAt" label={t('invites.expiresAt')} rules={[{ required: true }]}>
              <DatePicker showTime disabledDate={(day) => day.isBefore(dayjs(), 'day')} data-testid="invite-expires-at" />
            </Form.Item>
          )
        }
      </Form.Item>
    </>
  );
}

/** Owner, purpose with what it needs (campaign, routing target), tags, validity and max uses. */
export function InviteFields() {
  const { t } = useI18n();
  const campaigns = useCampaigns();
  return (
    <>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name="ownerType" label={t('invites.ownerType')}>
            <PartyTypeSelect data-testid="invite-owner-type" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name="ownerId"
            label={t('invites.ownerId')}
            rules={[{ required: true, whitespace: true }, { max: 200 }]}
            extra={t('invites.ownerIdHint')}
          >
            <Input data-testid="invite-owner-id" />
          </Form.Item>
        </Col>
        <Form.Item noStyle shouldUpdate={(a: InviteFieldValues, b: InviteFieldValues) => a.ownerType !== b.ownerType}>
          {({ getFieldValue }) =>
            getFieldValue('ownerType') === 'user' && (
              <Col xs={24} md={8}>
                <Form.Item name="ownerName" label={t('invites.ownerName')} rules={[{ max: 120 }]}>
                  <Input data-testid="invite-owner-name" />
                </Form.Item>
              </Col>
            )
          }
        </Form.Item>
      </Row>
      <Form.Item noStyle shouldUpdate={(a: InviteFieldValues, b: InviteFieldValues) => a.purpose !== b.purpose}>
        {({ getFieldValue }) => {
          const purpose = getFieldValue('purpose') as Purpose;
          return (
            <>
              <Form.Item name="purpose" label={t('invites.purpose')} extra={t(`invites.purposeHint.${purpose}`)}>
                <Radio.Group optionType="button" options={PURPOSES.map((p) => ({ value: p, label: t(`invites.purpose.${p}`) }))} data-testid="invite-purpose" />
              </Form.Item>
              {purpose === 'campaign' && (
                <Form.Item name="campaignId" label={t('invites.campaign')} rules={[{ required: true }]}>
                  <Select
                    showSearch={{ optionFilterProp: 'label' }}
                    loading={campaigns.loading}
                    options={(campaigns.data?.items ?? []).filter((c) => c.status !== 'ended').map((c) => ({ value: c.id, label: c.name }))}
                    data-testid="invite-campaign"
                  />
                </Form.Item>
              )}
              {purpose === 'support' && (
                <Row gutter={16}>
                  <Col xs={24} md={8}>
                    <Form.Item name="routingType" label={t('invites.routingType')}>
                      <Select
                        options={[
                          { value: 'agent', label: t('invites.routing.agent') },
                          { value: 'queue', label: t('invites.routing.queue') },
                        ]}
                        data-testid="invite-routing-type"
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={16}>
                    <Form.Item name="routingName" label={t('invites.routingName')} rules={[{ required: true, whitespace: true }, { max: 120 }]}>
                      <Input data-testid="invite-routing-name" />
                    </Form.Item>
                  </Col>
                </Row>
              )}
            </>
          );
        }}
      </Form.Item>
      <ValidityFields />
      <Form.Item name="maxUses" label={t('invites.maxUses')} extra={t('invites.maxUsesHint')}>
        <NullableNumber nullLabel={t('invites.unlimited')} testId="invite-max-uses" />
      </Form.Item>
      <CodeTagFields hint={t('invites.tagsHint')} />
    </>
  );
}

import { Button, Form, Input, Segmented, Select, Space, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { useCampaigns } from '../invites/useCampaigns.ts';
import { PartyTypeSelect } from '../referrals/PartyTypeSelect.tsx';
import { FunnelCard, type FunnelScope } from './FunnelCard.tsx';

type ScopeKind = 'workspace' | 'code' | 'owner' | 'campaign';

interface OwnerValues {
  ownerType: 'user' | 'member';
  ownerId?: string;
}

/**
 * The funnel page: the whole workspace, an owner or a campaign chosen here, or one code opened
 * from the invite codes list (?inviteId=&code=). The scope lives in the URL, so it can be shared.
 */
export default function FunnelPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const campaigns = useCampaigns();
  const search = params.toString();
  const { kind, scope, code } = useMemo(() => {
    const p = new URLSearchParams(search);
    const get = (key: string) => p.get(key) || undefined;
    const scope: FunnelScope = { inviteId: get('inviteId'), ownerUserId: get('ownerUserId'), ownerMemberId: get('ownerMemberId'), campaignId: get('campaignId') };
    const kind: ScopeKind = scope.inviteId ? 'code' : scope.ownerUserId || scope.ownerMemberId ? 'owner' : scope.campaignId ? 'campaign' : ((get('scope') as ScopeKind | undefined) ?? 'workspace');
    return { kind, scope, code: get('code') };
  }, [search]);

  const choose = (next: Record<string, string | undefined>) => setParams(Object.fromEntries(Object.entries(next).filter((entry): entry is [string, string] => Boolean(entry[1]))));
  const kinds: ScopeKind[] = kind === 'code' ? ['workspace', 'code', 'owner', 'campaign'] : ['workspace', 'owner', 'campaign'];
  const campaignName = campaigns.data?.items.find((c) => c.id === scope.campaignId)?.name;
  const title =
    kind === 'code'
      ? t('funnel.titleCode', { code: code ?? scope.inviteId ?? '' })
      : kind === 'owner' && (scope.ownerUserId || scope.ownerMemberId)
        ? t('funnel.titleOwner', { owner: scope.ownerUserId ?? scope.ownerMemberId ?? '' })
        : kind === 'campaign' && scope.campaignId
          ? t('funnel.titleCampaign', { name: campaignName ?? scope.campaignId })
          : t('funnel.titleWorkspace');
  // An owner or campaign scope without its owner or campaign yet shows nothing until one is chosen.
  const ready = kind === 'workspace' || kind === 'code' || Boolean(scope.ownerUserId || scope.ownerMemberId || scope.campaignId);

  return (
    <>
      <PageHeader title={t('nav.funnel')} />
      <Typography.Paragraph type="secondary">{t('funnel.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }} align="center">
        <Segmented<ScopeKind>
          value={kind}
          onChange={(next) => {
            if (next !== 'code') choose({ scope: next === 'workspace' ? undefined : next });
          }}
          options={kinds.map((k) => ({ value: k, label: t(`funnel.scope.${k}`) }))}
          data-testid="funnel-scope"
        />
        {kind === 'code' && <Tag data-testid="funnel-code">{code ?? scope.inviteId}</Tag>}
        {kind === 'owner' && (
          <Form<OwnerValues>
            layout="inline"
            initialValues={{ ownerType: scope.ownerMemberId ? 'member' : 'user', ownerId: scope.ownerMemberId ?? scope.ownerUserId }}
            onFinish={({ ownerType, ownerId }) => {
              const id = ownerId?.trim();
              choose({ scope: 'owner', ownerUserId: ownerType === 'user' ? id : undefined, ownerMemberId: ownerType === 'member' ? id : undefined });
            }}
          >
            <Form.Item name="ownerType">
              <PartyTypeSelect style={{ width: 110 }} />
            </Form.Item>
            <Form.Item name="ownerId" rules={[{ required: true, whitespace: true }]}>
              <Input placeholder={t('invites.ownerId')} style={{ width: 220 }} data-testid="funnel-owner" />
            </Form.Item>
            <Button type="primary" htmlType="submit" data-testid="funnel-owner-apply">
              {t('action.search')}
            </Button>
          </Form>
        )}
        {kind === 'campaign' && (
          <Select
            value={scope.campaignId}
            placeholder={t('invites.campaign')}
            showSearch={{ optionFilterProp: 'label' }}
            options={(campaigns.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
            onChange={(campaignId: string) => choose({ scope: 'campaign', campaignId })}
            style={{ width: 240 }}
            data-testid="funnel-campaign"
          />
        )}
      </Space>
      {ready && <FunnelCard scope={scope} title={title} />}
    </>
  );
}

import { DownloadOutlined, StopOutlined } from '@ant-design/icons';
import { Button, Flex, Space, Tabs, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { workspacePath } from '../../api/client.ts';
import type { BulkRevoke, BulkRevoked, Invite, InviteBatch } from '../../api/types.ts';
import { CursorTable } from '../../components/CursorTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { TagList } from '../../components/TagList.tsx';
import { useFeedback } from '../../feedback.ts';
import { useApiList } from '../../hooks/useCursorList.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canManageInvites } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';
import { PartyLink } from '../referrals/PartyLink.tsx';
import { BatchesTable } from './BatchesTable.tsx';
import { BatchFormModal } from './BatchFormModal.tsx';
import { BulkRevokeProgress, isActive as isBulkRevokeActive } from './BulkRevokeProgress.tsx';
import { ExtendInviteModal } from './ExtendInviteModal.tsx';
import { ImportInvitesModal } from './ImportInvitesModal.tsx';
import { FILTER_KEYS, InviteFilters, type InviteFilter } from './InviteFilters.tsx';
import { InviteFormModal } from './InviteFormModal.tsx';
import { InviteStateTag } from './InviteStateTag.tsx';
import { RevokeInvitesModal, type RevokeSelection } from './RevokeInvitesModal.tsx';
import { ShortLinkModal } from './ShortLinkModal.tsx';
import { useBulkRevokesInBackground } from './useBulkRevokesInBackground.ts';
import { useCampaigns } from './useCampaigns.ts';

/** Codes that can still be revoked. */
const revocable = (invite: Invite) => invite.state !== 'revoked' && invite.state !== 'archived';

/** The export of the list as it is filtered, in the console's language: a same-origin link, so the session cookie authenticates it. */
function exportHref(workspaceId: string, filter: InviteFilter, format: 'csv' | 'xlsx', locale: string): string {
  const query = new URLSearchParams({ format, locale });
  for (const key of FILTER_KEYS) if (filter[key]) query.set(key, filter[key]);
  return `/api/v1${workspacePath(workspaceId, 'invites', 'export')}?${query.toString()}`;
}

/**
 * Invite codes (邀请码): the filtered list with its export, one code created at a time, batches
 * generated in the background or imported from a CSV, and per code its short link, extension and
 * revocation — also for the selected codes, every code the filters list, or a batch's codes, each
 * in one request. Filters and the tab live in the URL.
 */
export default function InvitesPage() {
  const { t, formatTime, lang } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const go = useNavigate();
  const manage = canManageInvites(workspace.role);
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const filter = useMemo<InviteFilter>(() => {
    const current = new URLSearchParams(search);
    return Object.fromEntries(FILTER_KEYS.flatMap((key) => (current.get(key) ? [[key, current.get(key)!]] : [])));
  }, [search]);
  const tab = params.get('tab') === 'batches' ? 'batches' : 'codes';
  const invites = useApiList<Invite>(workspacePath(workspace.id, 'invites'), filter);
  const batches = useApiList<InviteBatch>(workspacePath(workspace.id, 'invite-batches'));
  const campaigns = useCampaigns();
  const campaignName = new Map((campaigns.data?.items ?? []).map((c) => [c.id, c.name]));
  const [selected, setSelected] = useState<Invite[]>([]);
  const [extending, setExtending] = useState<Invite | null>(null);
  const [revoking, setRevoking] = useState<RevokeSelection | null>(null);
  const inBackground = useBulkRevokesInBackground();
  const [linkOf, setLinkOf] = useState<Invite | null>(null);

  const navigate = (next: { filter?: InviteFilter; tab?: 'codes' | 'batches' }) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(next.filter ?? filter)) if (value) query.set(key, value);
    if ((next.tab ?? tab) === 'batches') query.set('tab', 'batches');
    setParams(query);
    setSelected([]);
  };

  const showRevoked = ({ revoked: count, alreadyEnded }: BulkRevoked) => {
    invites.reload();
    batches.reload();
    feedback.done(alreadyEnded > 0 ? t('invites.revokedSome', { count, ended: alreadyEnded }) : t('invites.revokedCount', { count }));
  };
  const revoked = (outcome: BulkRevoked) => {
    setRevoking(null);
    setSelected([]);
    showRevoked(outcome);
  };
  // Too many codes for one request: the server revokes them in the background, and the page shows
  // its progress (that of every one still running when the page opened, too).
  const finishedInBackground = (bulkRevoke: BulkRevoke) => {
    inBackground.ended(bulkRevoke);
    if (bulkRevoke.status === 'succeeded') return showRevoked(bulkRevoke);
    invites.reload();
    batches.reload();
    feedback.warn(t('invites.revokeFailed', { error: bulkRevoke.error ?? '' }));
  };
  // A running bulk revoke of the same codes (409) may have ended by the time it was read: then it is
  // reported at once, as its progress would never be asked for.
  const queued = (bulkRevoke: BulkRevoke) => {
    setRevoking(null);
    setSelected([]);
    if (isBulkRevokeActive(bulkRevoke)) inBackground.follow(bulkRevoke);
    else finishedInBackground(bulkRevoke);
  };
  const filtered = FILTER_KEYS.some((key) => filter[key]);

  const columns: TableColumnsType<Invite> = [
    {
      title: t('invites.code'),
      key: 'code',
      render: (_, i) => (
        <Typography.Text code copyable={{ text: i.code }} style={{ whiteSpace: 'nowrap' }} data-testid={`invite-code-${i.id}`}>
          {i.code}
        </Typography.Text>
      ),
    },
    { title: t('invites.stateLabel'), key: 'state', render: (_, i) => <InviteStateTag state={i.state} /> },
    {
      title: t('invites.purpose'),
      key: 'purpose',
      render: (_, i) => (
        <Space direction="vertical" size={0}>
          <span>{t(`invites.purpose.${i.purpose}`)}</span>
          {i.campaignId && (
            <Link to={`/w/${workspace.id}/campaigns/${i.campaignId}`}>
              <Typography.Text type="secondary">{campaignName.get(i.campaignId) ?? i.campaignId}</Typography.Text>
            </Link>
          )}
          {i.routing && <Typography.Text type="secondary">{`${t(`invites.routing.${i.routing.type}`)}: ${i.routing.name}`}</Typography.Text>}
          {Object.keys(i.tags).length > 0 && <TagList values={Object.entries(i.tags).map(([key, value]) => `${key}=${value}`)} />}
        </Space>
      ),
    },
    { title: t('invites.owner'), key: 'owner', render: (_, i) => <PartyLink type={i.owner.type} id={i.owner.id} name={i.owner.displayName} /> },
    {
      title: t('invites.uses'),
      key: 'uses',
      render: (_, i) => <span style={{ whiteSpace: 'nowrap' }}>{`${i.uses} / ${i.maxUses ?? '∞'}`}</span>,
    },
    { title: t('invites.expires'), key: 'expires', render: (_, i) => <span style={{ whiteSpace: 'nowrap' }}>{i.expiresAt ? formatTime(i.expiresAt) : t('invites.never')}</span> },
    { title: t('invites.origin'), key: 'origin', render: (_, i) => t(`invites.origin.${i.origin}`) },
    { title: t('common.created'), key: 'created', render: (_, i) => <span style={{ whiteSpace: 'nowrap' }}>{formatTime(i.createdAt)}</span> },
  ];

  const codesTab = (
    <>
      <InviteFilters filter={filter} onChange={(next) => navigate({ filter: next })} />
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 12 }}>
        <Space wrap>
          <Typography.Text type="secondary">{t('invites.exportHint')}</Typography.Text>
          <Button icon={<DownloadOutlined />} href={exportHref(workspace.id, filter, 'csv', lang)} download data-testid="invites-export-csv">
            {t('invites.exportCsv')}
          </Button>
          <Button icon={<DownloadOutlined />} href={exportHref(workspace.id, filter, 'xlsx', lang)} download data-testid="invites-export-xlsx">
            {t('invites.exportXlsx')}
          </Button>
        </Space>
        {manage && (
          <Space wrap>
            {filtered && (
              <Button danger onClick={() => setRevoking({ filter })} data-testid="invites-revoke-matching">
                {t('invites.revokeMatching')}
              </Button>
            )}
            <Button danger icon={<StopOutlined />} disabled={selected.length === 0} onClick={() => setRevoking({ invites: selected })} data-testid="invites-bulk-revoke">
              {t('invites.revokeSelected', { count: selected.length })}
            </Button>
          </Space>
        )}
      </Flex>
      <CursorTable
        list={invites}
        columns={columns}
        size="middle"
        data-testid="invites-table"
        rowSelection={
          manage
            ? {
                selectedRowKeys: selected.map((i) => i.id),
                onChange: (_keys, rows) => setSelected(rows),
                getCheckboxProps: (i) => ({ disabled: !revocable(i) }),
              }
            : undefined
        }
        actions={(i) => (
          <Space wrap size={4}>
            <Button size="small" onClick={() => setLinkOf(i)} data-testid={`invite-link-${i.id}`}>
              {t('shortLinks.open')}
            </Button>
            <Button size="small" onClick={() => go(`/w/${workspace.id}/funnel?inviteId=${i.id}&code=${encodeURIComponent(i.code)}`)}>
              {t('nav.funnel')}
            </Button>
            {manage && (i.state === 'active' || i.state === 'expired') && (
              <Button size="small" onClick={() => setExtending(i)} data-testid={`invite-extend-${i.id}`}>
                {t('invites.extend')}
              </Button>
            )}
            {manage && revocable(i) && (
              <Button size="small" danger onClick={() => setRevoking({ invites: [i] })} data-testid={`invite-revoke-${i.id}`}>
                {t('action.revoke')}
              </Button>
            )}
          </Space>
        )}
      />
    </>
  );

  return (
    <>
      <PageHeader
        title={t('nav.invites')}
        extra={
          manage && (
            <Space wrap>
              <ImportInvitesModal
                onImported={(batch) => {
                  feedback.done(t('imports.done', { count: batch.generated }));
                  invites.reload();
                  batches.reload();
                }}
              />
              <BatchFormModal
                onCreated={() => {
                  feedback.done(t('batches.queued'));
                  batches.reload();
                  navigate({ tab: 'batches' });
                }}
              />
              <InviteFormModal
                onCreated={(invite) => {
                  feedback.done(t('invites.created', { code: invite.code }));
                  invites.reload();
                }}
              />
            </Space>
          )
        }
      />
      {inBackground.running.map((bulkRevoke) => (
        <BulkRevokeProgress key={bulkRevoke.id} bulkRevoke={bulkRevoke} onFinished={finishedInBackground} />
      ))}
      <Tabs
        activeKey={tab}
        onChange={(key) => navigate({ tab: key === 'batches' ? 'batches' : 'codes' })}
        items={[
          { key: 'codes', label: <span data-testid="invites-tab-codes">{t('invites.tabCodes')}</span>, children: codesTab },
          {
            key: 'batches',
            label: <span data-testid="invites-tab-batches">{t('invites.tabBatches')}</span>,
            children: (
              <BatchesTable
                list={batches}
                onShowCodes={(batchId) => navigate({ filter: { batchId }, tab: 'codes' })}
                onRevokeCodes={(batch) => setRevoking({ batch })}
                onFinished={(batch) => {
                  if (batch.state === 'done') feedback.done(t('batches.done', { count: batch.generated }));
                  else if (batch.state === 'failed') feedback.warn(t('batches.failed', { error: batch.error ?? '' }));
                  batches.reload();
                  invites.reload();
                }}
              />
            ),
          },
        ]}
      />
      {extending && (
        <ExtendInviteModal
          invite={extending}
          onClose={() => setExtending(null)}
          onExtended={(invite) => {
            feedback.done(t('invites.extended', { code: invite.code }));
            invites.reload();
          }}
        />
      )}
      {revoking && (
        <RevokeInvitesModal
          selection={revoking}
          onClose={() => setRevoking(null)}
          onDone={revoked}
          onQueued={queued}
        />
      )}
      {linkOf && <ShortLinkModal invite={linkOf} editable={manage && linkOf.state !== 'archived'} onClose={() => setLinkOf(null)} />}
    </>
  );
}

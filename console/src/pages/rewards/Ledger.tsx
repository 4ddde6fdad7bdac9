import { Alert, Button, Card, Col, Row, Space, Statistic, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { api, ApiError, workspacePath } from '../../api/client.ts';
import { ENTRY_STATES, type EntryState, type LedgerPage, type RewardEntry } from '../../api/types.ts';
import { CursorTable } from '../../components/CursorTable.tsx';
import { describeError, useFeedback } from '../../feedback.ts';
import { useApiList } from '../../hooks/useCursorList.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canManageRewards } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';
import { useCampaigns } from '../invites/useCampaigns.ts';
import { PartyLink } from '../referrals/PartyLink.tsx';
import { EntryMoveModal } from './EntryMoveModal.tsx';
import { LedgerFilters, type LedgerFilter } from './LedgerFilters.tsx';
import { useMoney } from './money.ts';

const stateColors: Record<EntryState, string> = { pending: 'processing', approved: 'blue', paid: 'success', reversed: 'default' };

/**
 * The reward ledger: totals per state over the filtered entries (click one to list that state),
 * the entries newest first, and approve / pay / reverse. A refusal stays above the table in the
 * reader's words — a held entry says until when, a moved one what state it is in now.
 */
export function Ledger({ settingsVersion, onChanged }: { settingsVersion: number; onChanged: () => void }) {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const manage = canManageRewards(workspace.role);
  const [filter, setFilter] = useState<LedgerFilter>({});
  const path = workspacePath(workspace.id, 'rewards');
  const entries = useApiList<RewardEntry>(path, filter);
  // Totals and the currency come with every page; one small page keeps them current.
  const { state: _state, ...totalsFilter } = filter;
  const summary = useResource(`${path}?${JSON.stringify(totalsFilter)}#${settingsVersion}`, () => api.get<LedgerPage>(path, { ...totalsFilter, limit: 1 }));
  const money = useMoney(summary.data?.currency);
  const campaigns = useCampaigns();
  const campaignName = new Map((campaigns.data?.items ?? []).map((c) => [c.id, c.name]));
  const [refusal, setRefusal] = useState<{ entry: RewardEntry; error: unknown } | null>(null);
  const [moving, setMoving] = useState<{ entry: RewardEntry; move: 'pay' | 'reverse' } | null>(null);
  const [approving, setApproving] = useState<string | null>(null);

  const refresh = () => {
    entries.reload();
    summary.reload();
    onChanged();
  };

  /** The server's refusal, in the reader's words where the console knows it. */
  const refusalText = (error: unknown): string => {
    if (error instanceof ApiError && error.code === 'reward_on_hold' && typeof error.extensions.approvableAt === 'string') {
      return t('rewards.onHold', { time: formatTime(error.extensions.approvableAt) });
    }
    if (error instanceof ApiError && error.code === 'reward_transition_invalid' && typeof error.extensions.state === 'string' && ENTRY_STATES.includes(error.extensions.state as EntryState)) {
      return t('rewards.transitionInvalid', { state: t(`rewards.state.${error.extensions.state as EntryState}`) });
    }
    return describeError(error, t);
  };

  const approve = async (entry: RewardEntry) => {
    setApproving(entry.id);
    setRefusal(null);
    try {
      await api.post(workspacePath(workspace.id, 'rewards', entry.id, 'approve'), {});
      feedback.done(t('rewards.approved'));
      refresh();
    } catch (error) {
      setRefusal({ entry, error });
      entries.reload();
    } finally {
      setApproving(null);
    }
  };

  const detail = (e: RewardEntry) => {
    if (e.kind === 'milestone') return t('rewards.detail.milestone', { tier: e.tier ?? '' });
    if (e.kind === 'commission') return t('rewards.detail.commission', { level: e.level ?? '', percent: (e.rateBps ?? 0) / 100, order: e.orderId ?? '' });
    return t('rewards.detail.redemption');
  };

  const columns: TableColumnsType<RewardEntry> = [
    { title: t('common.created'), key: 'created', render: (_, e) => <span style={{ whiteSpace: 'nowrap' }}>{formatTime(e.createdAt)}</span> },
    { title: t('rewards.beneficiary'), key: 'beneficiary', render: (_, e) => <PartyLink type={e.beneficiary.type} id={e.beneficiary.id} name={e.beneficiary.displayName} /> },
    {
      title: t('rewards.kind'),
      key: 'kind',
      render: (_, e) => (
        <Space direction="vertical" size={0}>
          <span>{t(`rewards.kind.${e.kind}`)}</span>
          <Typography.Text type="secondary">{detail(e)}</Typography.Text>
        </Space>
      ),
    },
    { title: t('rewards.source'), key: 'source', render: (_, e) => <PartyLink type={e.source.type} id={e.source.id} name={e.source.displayName} /> },
    { title: t('rewards.program'), key: 'program', render: (_, e) => (e.campaignId ? (campaignName.get(e.campaignId) ?? e.campaignId) : t('rewards.program.referral')) },
    { title: t('rewards.amount'), key: 'amount', align: 'right', render: (_, e) => <span style={{ whiteSpace: 'nowrap' }}>{money(e.amount)}</span> },
    {
      title: t('common.status'),
      key: 'state',
      render: (_, e) => (
        <Space direction="vertical" size={0}>
          <Tag color={stateColors[e.state]} data-testid={`entry-state-${e.id}`}>
            {t(`rewards.state.${e.state}`)}
          </Tag>
          {e.state === 'pending' && <Typography.Text type="secondary">{t('rewards.holdUntil', { time: formatTime(e.holdUntil) })}</Typography.Text>}
          {e.reference && <Typography.Text type="secondary">{t('rewards.referenceValue', { reference: e.reference })}</Typography.Text>}
          {e.reason && <Typography.Text type="secondary">{e.reason}</Typography.Text>}
        </Space>
      ),
    },
  ];

  const total = (state: EntryState) => summary.data?.totals[state];
  return (
    <Card title={t('rewards.ledger')} data-testid="ledger">
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        {ENTRY_STATES.map((state) => (
          <Col xs={12} md={6} key={state}>
            <Card
              size="small"
              hoverable
              onClick={() => setFilter({ ...filter, state: filter.state === state ? undefined : state })}
              style={filter.state === state ? { borderColor: '#1677ff' } : undefined}
              data-testid={`ledger-total-${state}`}
            >
              <Statistic title={t(`rewards.state.${state}`)} value={total(state) ? money(total(state)!.amount) : '—'} />
              <Typography.Text type="secondary">{t('rewards.entries', { count: total(state)?.count ?? 0 })}</Typography.Text>
            </Card>
          </Col>
        ))}
      </Row>
      <LedgerFilters filter={filter} onChange={setFilter} />
      {filter.state && (
        <Typography.Paragraph>
          <Tag closable onClose={() => setFilter({ ...filter, state: undefined })}>
            {t(`rewards.state.${filter.state as EntryState}`)}
          </Tag>
        </Typography.Paragraph>
      )}
      {refusal && (
        <Alert
          type="warning"
          showIcon
          closable
          onClose={() => setRefusal(null)}
          title={t('rewards.refused', { amount: money(refusal.entry.amount) })}
          description={refusalText(refusal.error)}
          style={{ marginBottom: 16 }}
          data-testid="ledger-refusal"
        />
      )}
      <CursorTable
        list={entries}
        columns={columns}
        size="middle"
        data-testid="ledger-table"
        actions={
          manage
            ? (e) => (
                <Space wrap size={4}>
                  {e.state === 'pending' && (
                    <Button size="small" type="primary" loading={approving === e.id} onClick={() => void approve(e)} data-testid={`entry-approve-${e.id}`}>
                      {t('rewards.approve')}
                    </Button>
                  )}
                  {e.state === 'approved' && (
                    <Button size="small" onClick={() => setMoving({ entry: e, move: 'pay' })} data-testid={`entry-pay-${e.id}`}>
                      {t('rewards.pay')}
                    </Button>
                  )}
                  {(e.state === 'pending' || e.state === 'approved') && (
                    <Button size="small" danger onClick={() => setMoving({ entry: e, move: 'reverse' })} data-testid={`entry-reverse-${e.id}`}>
                      {t('rewards.reverse')}
                    </Button>
                  )}
                </Space>
              )
            : undefined
        }
      />
      {moving && (
        <EntryMoveModal
          entry={moving.entry}
          move={moving.move}
          amount={money(moving.entry.amount)}
          onClose={() => setMoving(null)}
          onMoved={() => {
            feedback.done(t(moving.move === 'pay' ? 'rewards.paid' : 'rewards.reversed'));
            setRefusal(null);
            refresh();
          }}
        />
      )}
    </Card>
  );
}

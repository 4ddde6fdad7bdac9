import { Alert, Button, Card, Col, Empty, Form, Input, Row, Segmented, Space, Statistic, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, workspacePath } from '../../api/client.ts';
import type { Downline, Upline } from '../../api/types.ts';
import { CursorTable } from '../../components/CursorTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { describeError } from '../../feedback.ts';
import { useApiList } from '../../hooks/useCursorList.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { useMoney } from '../rewards/money.ts';
import { DownlineTree } from './DownlineTree.tsx';
import { PartyLink, partyKey } from './PartyLink.tsx';
import { PartyTypeSelect } from './PartyTypeSelect.tsx';

type Person = Downline['items'][number];

interface Values {
  type: 'user' | 'member';
  id?: string;
}

function valuesOf(party: string | null): Values {
  if (!party) return { type: 'user' };
  return { type: party.startsWith('m:') ? 'member' : 'user', id: party.slice(2) };
}

/** One level of the downline as a table (the 团长 view of who is on level N), newest first. */
function LevelTable({ party, level, currency }: { party: string; level: number; currency: string }) {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const money = useMoney(currency);
  const people = useApiList<Person>(workspacePath(workspace.id, 'referrals', party, 'downline'), { level: String(level) });
  return (
    <CursorTable
      list={people}
      rowKey={(p) => p.party.key}
      size="small"
      data-testid="downline-level"
      columns={[
        { title: t('referrals.person'), key: 'party', render: (_, p) => <PartyLink type={p.party.type} id={p.party.id} name={p.party.displayName} /> },
        { title: t('referrals.inviter'), key: 'inviter', render: (_, p) => <PartyLink type={p.inviter.type} id={p.inviter.id} name={p.inviter.displayName} /> },
        { title: t('referrals.invitees'), key: 'invitees', render: (_, p) => p.invitees },
        { title: t('referrals.purchases'), key: 'purchases', render: (_, p) => `${p.purchases.count} · ${money(p.purchases.netAmount)}` },
        { title: t('referrals.referredAt'), key: 'at', render: (_, p) => formatTime(p.referredAt) },
      ]}
    />
  );
}

/**
 * Someone's place in the referral graph (师徒关系): who invited them up the chain (upline), how many
 * people are on each level below them, and their downline as an expandable tree or level by level.
 */
export default function ReferralsPage() {
  const { t, formatTime } = useI18n();
  const workspace = useWorkspace();
  const [params, setParams] = useSearchParams();
  const party = params.get('party');
  const [form] = Form.useForm<Values>();
  const [view, setView] = useState<'tree' | 'level'>('tree');
  const [level, setLevel] = useState(1);
  const base = party ? workspacePath(workspace.id, 'referrals', party) : '';
  const downline = useResource(`${base}/downline`, () => (party ? api.get<Downline>(`${base}/downline`, { level: 1, limit: 1 }) : Promise.resolve(null)));
  const upline = useResource(`${base}/upline`, () => (party ? api.get<Upline>(`${base}/upline`) : Promise.resolve(null)));

  useEffect(() => {
    form.setFieldsValue(valuesOf(party));
    setLevel(1);
  }, [party, form]);

  const d = downline.data;
  const error = downline.error ?? upline.error;
  return (
    <>
      <PageHeader title={t('nav.referrals')} />
      <Typography.Paragraph type="secondary">{t('referrals.intro')}</Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="inline"
        initialValues={valuesOf(party)}
        onFinish={({ type, id }) => id?.trim() && setParams({ party: partyKey(type, id.trim()) })}
        style={{ rowGap: 12, marginBottom: 16 }}
      >
        <Form.Item name="type">
          <PartyTypeSelect style={{ width: 110 }} data-testid="referrals-type" />
        </Form.Item>
        <Form.Item name="id" rules={[{ required: true, whitespace: true }, { max: 100 }]}>
          <Input placeholder={t('referrals.idPlaceholder')} style={{ width: 260 }} data-testid="referrals-id" />
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="referrals-show">
          {t('action.search')}
        </Button>
      </Form>
      {!party ? (
        <Empty description={t('referrals.pickSomeone')} />
      ) : error ? (
        <Alert type="error" showIcon title={describeError(error, t)} data-testid="referrals-error" />
      ) : (
        <Row gutter={[16, 16]}>
          {d && (
            <Col span={24}>
              <Typography.Title level={5} style={{ margin: 0 }} data-testid="referrals-subject">
                {d.party.displayName ? `${d.party.displayName} (${d.party.id})` : d.party.id}
              </Typography.Title>
            </Col>
          )}
          <Col xs={24} xl={8}>
            <Card title={t('referrals.upline')} loading={!upline.data} data-testid="upline">
              {upline.data && upline.data.items.length === 0 ? (
                <Typography.Text type="secondary">{t('referrals.noUpline')}</Typography.Text>
              ) : (
                <Table
                  size="small"
                  rowKey="level"
                  pagination={false}
                  dataSource={upline.data?.items ?? []}
                  columns={[
                    { title: t('referrals.level'), dataIndex: 'level', key: 'level', width: 64 },
                    { title: t('referrals.inviter'), key: 'party', render: (_, u) => <PartyLink type={u.party.type} id={u.party.id} name={u.party.displayName} /> },
                    { title: t('referrals.referredAt'), key: 'at', render: (_, u) => formatTime(u.referredAt) },
                  ]}
                />
              )}
            </Card>
          </Col>
          <Col xs={24} xl={16}>
            <Card
              title={t('referrals.downline')}
              loading={!d}
              extra={
                <Segmented
                  value={view}
                  onChange={(next) => setView(next === 'level' ? 'level' : 'tree')}
                  options={[
                    { value: 'tree', label: t('referrals.viewTree') },
                    { value: 'level', label: t('referrals.viewLevel') },
                  ]}
                />
              }
              data-testid="downline"
            >
              {d && (
                <Space direction="vertical" size={16} style={{ width: '100%' }}>
                  <Space size={32} wrap data-testid="downline-levels">
                    {d.levels.map((l) => (
                      <Statistic key={l.level} title={t('referrals.levelN', { level: l.level })} value={l.count} />
                    ))}
                    <Statistic title={t('referrals.total')} value={d.total} />
                  </Space>
                  {view === 'tree' ? (
                    <DownlineTree root={party} depth={d.depth} currency={d.currency} />
                  ) : (
                    <>
                      <Segmented
                        value={level}
                        onChange={(next) => setLevel(Number(next))}
                        options={d.levels.map((l) => ({ value: l.level, label: t('referrals.levelN', { level: l.level }) }))}
                      />
                      <LevelTable party={party} level={level} currency={d.currency} />
                    </>
                  )}
                </Space>
              )}
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}

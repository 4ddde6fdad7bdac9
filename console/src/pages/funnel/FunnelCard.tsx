import { Alert, Card, DatePicker, Table, Typography, type GetProps } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import { FUNNEL_STAGES, type Funnel, type FunnelStage } from '../../api/types.ts';
import { SeriesChart } from '../../components/SeriesChart.tsx';
import { describeError } from '../../feedback.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';

/** Whose funnel: one code, one owner, one campaign, or (nothing set) the whole workspace. */
export type FunnelScope = { inviteId?: string; ownerUserId?: string; ownerMemberId?: string; campaignId?: string };

type Range = NonNullable<GetProps<typeof DatePicker.RangePicker>['value']>;

const COLORS: Record<FunnelStage, string> = { shown: '#bae0ff', clicked: '#69b1ff', redeemed: '#1677ff', activeNextDay: '#52c41a', activeDay7: '#237804' };
/** The server's default range: the last 30 UTC days up to today. */
const DEFAULT_DAYS = 30;
/** The server's longest range. */
const MAX_DAYS = 366;

const utcDay = (offsetDays: number) => dayjs(new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10));

/**
 * The invite funnel (漏斗) for a scope over UTC days: shown → clicked → redeemed → active the next
 * day → active on day 7, as bars with each stage's rate over the stage before it (both retention
 * stages over redeemed), and the five counts per day.
 */
export function FunnelCard({ scope, title }: { scope: FunnelScope; title?: string }) {
  const { t, lang } = useI18n();
  const workspace = useWorkspace();
  const [range, setRange] = useState<Range>([utcDay(-(DEFAULT_DAYS - 1)), utcDay(0)]);
  const from = range[0]?.format('YYYY-MM-DD');
  const to = range[1]?.format('YYYY-MM-DD');
  const path = workspacePath(workspace.id, 'invites', 'funnel');
  const query = { ...scope, from, to };
  const funnel = useResource(`${path}?${JSON.stringify(query)}`, () => api.get<Funnel>(path, query));
  const data = funnel.data;

  const stageName = (stage: FunnelStage) => t(`funnel.stage.${stage}`);
  const charts = useMemo(() => {
    const format = new Intl.DateTimeFormat(lang, { month: 'numeric', day: 'numeric', timeZone: 'UTC' });
    const days = data?.days ?? [];
    return {
      stageLabels: (data?.stages ?? []).map((s) => t(`funnel.stage.${s.stage}`)),
      stageSeries: [{ name: t('funnel.count'), values: (data?.stages ?? []).map((s) => s.count), color: '#1677ff' }],
      dayLabels: days.map((d) => format.format(new Date(`${d.day}T00:00:00Z`))),
      daySeries: FUNNEL_STAGES.map((stage) => ({
        name: t(`funnel.stage.${stage}`),
        values: days.map((d) => d[stage]),
        color: COLORS[stage],
        kind: stage === 'shown' || stage === 'clicked' ? ('bar' as const) : ('line' as const),
      })),
    };
  }, [data, lang, t]);

  return (
    <Card
      title={title ?? t('funnel.title')}
      extra={
        <DatePicker.RangePicker
          value={range}
          allowClear={false}
          disabledDate={(day, { from: start }) => day.isAfter(utcDay(0), 'day') || (start ? Math.abs(day.diff(start, 'day')) >= MAX_DAYS : false)}
          onChange={(next) => next?.[0] && next[1] && setRange(next)}
          data-testid="funnel-range"
        />
      }
      data-testid="funnel"
    >
      {funnel.error ? (
        <Alert type="error" showIcon title={describeError(funnel.error, t)} />
      ) : !data ? (
        <Typography.Text type="secondary">…</Typography.Text>
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t('funnel.utcHint', { from: data.from, to: data.to })}</Typography.Paragraph>
          <SeriesChart labels={charts.stageLabels} series={charts.stageSeries} height={260} testId="funnel-stages-chart" />
          <Table
            size="small"
            rowKey="stage"
            pagination={false}
            dataSource={data.stages}
            data-testid="funnel-stages"
            columns={[
              { title: t('funnel.stageLabel'), key: 'stage', render: (_, s) => stageName(s.stage) },
              { title: t('funnel.count'), dataIndex: 'count', key: 'count' },
              {
                title: t('funnel.rate'),
                key: 'rate',
                render: (_, s) =>
                  s.of === null ? '—' : s.rate === null ? t('funnel.rateNone', { of: stageName(s.of) }) : t('funnel.rateOf', { rate: (s.rate * 100).toFixed(1), of: stageName(s.of) }),
              },
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 12 }} data-testid="funnel-bot-clicks">
            {t('funnel.botClicks', { count: data.botClicks })}
          </Typography.Paragraph>
          <Typography.Title level={5}>{t('funnel.byDay')}</Typography.Title>
          <SeriesChart labels={charts.dayLabels} series={charts.daySeries} testId="funnel-days-chart" />
        </>
      )}
    </Card>
  );
}

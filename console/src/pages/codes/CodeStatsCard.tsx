import { Alert, Card, Segmented, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import type { CodeStats } from '../../api/types.ts';
import { SeriesChart } from '../../components/SeriesChart.tsx';
import { describeError } from '../../feedback.ts';
import { useNarrow } from '../../hooks/useNarrow.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';

const RANGES = [7, 14, 30, 90];

/** Scans, admitted scans and joins by UTC day, and a table by channel, from GET …/codes/:id/stats. */
export function CodeStatsCard({ workspaceId, codeId, version }: { workspaceId: string; codeId: string; version: number }) {
  const { t, lang } = useI18n();
  const [days, setDays] = useState(14);
  const path = workspacePath(workspaceId, 'codes', codeId, 'stats');
  const { data, error } = useResource(`${path}?days=${days}#${version}`, () => api.get<CodeStats>(path, { days }));
  const narrow = useNarrow();

  const { labels, series } = useMemo(() => {
    const format = new Intl.DateTimeFormat(lang, { month: 'numeric', day: 'numeric', timeZone: 'UTC' });
    const rows = data?.days ?? [];
    return {
      labels: rows.map((d) => format.format(new Date(`${d.day}T00:00:00Z`))),
      series: [
        { name: t('codes.scans'), values: rows.map((d) => d.scans), color: '#91caff' },
        { name: t('codes.admitted'), values: rows.map((d) => d.admitted), color: '#1677ff' },
        { name: t('codes.joins'), values: rows.map((d) => d.joins), color: '#52c41a', kind: 'line' as const },
      ],
    };
  }, [data, lang, t]);

  const ranges = (
    <Segmented
      value={days}
      onChange={(value) => setDays(Number(value))}
      options={RANGES.map((n) => ({ value: n, label: t(narrow ? 'codes.statsDaysShort' : 'codes.statsDays', { days: n }) }))}
      data-testid="stats-range"
    />
  );
  return (
    <Card
      title={t('codes.stats')}
      loading={!data && !error}
      extra={!narrow && ranges}
      data-testid="code-stats"
    >
      {narrow && <div style={{ marginBottom: 12 }}>{ranges}</div>}
      {error ? (
        <Alert type="error" showIcon title={describeError(error, t)} />
      ) : (
        data && (
          <>
            <Typography.Text type="secondary" data-testid="stats-totals">
              {t('codes.statsTotals', { scans: data.totals.scans, admitted: data.totals.admitted, joins: data.totals.joins, still: data.totals.stillMembers })}
            </Typography.Text>
            <SeriesChart labels={labels} series={series} testId="code-stats-chart" />
            <Typography.Title level={5}>{t('codes.byChannel')}</Typography.Title>
            <Table
              size="small"
              rowKey="channel"
              pagination={false}
              dataSource={data.channels}
              columns={[
                { title: t('codes.channel'), key: 'channel', render: (_, c) => c.channel || <Typography.Text type="secondary">{t('codes.untagged')}</Typography.Text> },
                { title: t('codes.scans'), dataIndex: 'scans', key: 'scans' },
                { title: t('codes.joins'), dataIndex: 'joins', key: 'joins' },
              ]}
              data-testid="stats-channels"
            />
          </>
        )
      )}
    </Card>
  );
}

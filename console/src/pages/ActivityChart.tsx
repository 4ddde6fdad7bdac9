import { Alert, Card, Typography } from 'antd';
import { useMemo } from 'react';
import { api, workspacePath } from '../api/client.ts';
import type { AuditEntry, Page } from '../api/types.ts';
import { SeriesChart } from '../components/SeriesChart.tsx';
import { describeError, isForbidden } from '../feedback.ts';
import { useResource } from '../hooks/useResource.ts';
import { useI18n } from '../I18nProvider.tsx';

const DAYS = 14;
const PAGE_SIZE = 100;
const MAX_PAGES = 5;

interface Recent {
  entries: AuditEntry[];
  /** True when there were more changes than the pages read; the chart then undercounts early days. */
  truncated: boolean;
}

function localDay(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

/** Midnight (local time) DAYS - 1 days ago, so the chart covers today and the 13 days before. */
function firstDay(): Date {
  const start = new Date();
  start.setHours(0, 0, 0, 0);
  start.setDate(start.getDate() - (DAYS - 1));
  return start;
}

async function recentChanges(workspaceId: string, since: Date): Promise<Recent> {
  const entries: AuditEntry[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = { since: since.toISOString(), limit: PAGE_SIZE, cursor };
    const result: Page<AuditEntry> = await api.get(workspacePath(workspaceId, 'audit-log'), query);
    entries.push(...result.items);
    cursor = result.nextCursor;
    if (!cursor) return { entries, truncated: false };
  }
  return { entries, truncated: true };
}

/** "Changes per day over the last 14 days", counted from the workspace's audit log. */
export function ActivityChart({ workspaceId }: { workspaceId: string }) {
  const { t, lang } = useI18n();
  const since = useMemo(firstDay, []);
  const { data, error } = useResource(`activity:${workspaceId}`, () => recentChanges(workspaceId, since));

  const { labels, values } = useMemo(() => {
    const label = new Intl.DateTimeFormat(lang, { month: 'numeric', day: 'numeric' });
    const days = Array.from({ length: DAYS }, (_, i) => new Date(since.getFullYear(), since.getMonth(), since.getDate() + i));
    const counts = new Map(days.map((d) => [localDay(d), 0]));
    for (const entry of data?.entries ?? []) {
      const day = localDay(new Date(entry.createdAt));
      const count = counts.get(day);
      if (count !== undefined) counts.set(day, count + 1);
    }
    return { labels: days.map((d) => label.format(d)), values: days.map((d) => counts.get(localDay(d)) ?? 0) };
  }, [data, lang, since]);

  const total = values.reduce((sum, n) => sum + n, 0);
  return (
    <Card title={t('overview.activityTitle')} loading={!data && !error} data-testid="activity-card">
      {error ? (
        <Alert
          type={isForbidden(error) ? 'info' : 'error'}
          showIcon
          title={isForbidden(error) ? t('overview.activityForbidden') : describeError(error, t)}
        />
      ) : (
        <>
          <Typography.Text type="secondary">
            {t(data?.truncated ? 'overview.activityTruncated' : 'overview.activityTotal', { count: total })}
          </Typography.Text>
          <SeriesChart labels={labels} series={[{ name: t('overview.changes'), values, color: '#1677ff' }]} testId="activity-chart" />
        </>
      )}
    </Card>
  );
}

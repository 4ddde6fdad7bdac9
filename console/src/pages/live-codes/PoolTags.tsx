import { Progress, Tag, Tooltip, Typography } from 'antd';
import type { LiveCodeEntry, PoolState } from '../../api/types.ts';
import { useI18n } from '../../I18nProvider.tsx';

const HOUR_MS = 3600 * 1000;
/** The server reminds (live_code.entry_expiring) a day ahead; the console warns from the same moment. */
const EXPIRY_WARNING_MS = 24 * HOUR_MS;

const poolColors: Record<PoolState, string> = { ok: 'success', low: 'warning', empty: 'error' };

/** ok, low (one usable entry left) or empty (scanners get the "no group open" page). */
export function PoolStateTag({ state }: { state: PoolState }) {
  const { t } = useI18n();
  return (
    <Tag color={poolColors[state]} data-testid="pool-state">
      {t(`liveCodes.pool.${state}`)}
    </Tag>
  );
}

/** Usable, or why not: paused, retired (by its threshold or expiry), archived, full, threshold reached, expired. */
export function EntryStateTag({ entry }: { entry: LiveCodeEntry }) {
  const { t } = useI18n();
  const reason = entry.unusableReason;
  const label =
    reason === null
      ? t('liveCodes.entry.usable')
      : reason === 'retired' && entry.retiredReason
        ? t(`liveCodes.entry.retired.${entry.retiredReason}`)
        : t(`liveCodes.entry.${reason}`);
  const color = reason === null ? 'success' : reason === 'paused' ? 'warning' : reason === 'group_full' ? 'orange' : 'error';
  return (
    <Tag color={color} data-testid={`entry-state-${entry.id}`}>
      {label}
    </Tag>
  );
}

/** How full an entry is: a hosted group's members of its capacity, or a link's scans of its threshold. */
export function EntryFill({ entry }: { entry: LiveCodeEntry }) {
  const { t } = useI18n();
  const [count, of, text] = entry.group
    ? [entry.group.memberCount, entry.group.capacity, t('liveCodes.entry.members', { count: entry.group.memberCount, capacity: entry.group.capacity })]
    : entry.scanThreshold === null
      ? [entry.scans, null, t('liveCodes.entry.scansNoThreshold', { scans: entry.scans })]
      : [entry.scans, entry.scanThreshold, t('liveCodes.entry.scans', { scans: entry.scans, threshold: entry.scanThreshold })];
  return (
    <div style={{ minWidth: 140 }} data-testid={`entry-fill-${entry.id}`}>
      <Typography.Text>{text}</Typography.Text>
      {of !== null && <Progress percent={Math.min(100, Math.round((count / Math.max(1, of)) * 100))} size="small" status={count >= of ? 'exception' : 'normal'} />}
    </div>
  );
}

/** A link entry's expiry, with a warning in its last 24 hours. */
export function EntryExpiry({ entry, now }: { entry: LiveCodeEntry; now: number }) {
  const { t, formatTime } = useI18n();
  if (entry.kind === 'group') return <Typography.Text type="secondary">{t('liveCodes.entry.fillsByMembers')}</Typography.Text>;
  if (entry.expiresAt === null) return <>{t('codes.never')}</>;
  const left = Date.parse(entry.expiresAt) - now;
  return (
    <span data-testid={`entry-expiry-${entry.id}`}>
      {formatTime(entry.expiresAt)}{' '}
      {left <= 0 ? (
        <Tag color="error">{t('liveCodes.entry.expired')}</Tag>
      ) : (
        left <= EXPIRY_WARNING_MS && (
          <Tooltip title={t('liveCodes.entry.expiringHint')}>
            <Tag color="warning" data-testid={`entry-expiring-${entry.id}`}>
              {t('liveCodes.entry.expiresIn', { hours: Math.max(1, Math.ceil(left / HOUR_MS)) })}
            </Tag>
          </Tooltip>
        )
      )}
    </span>
  );
}

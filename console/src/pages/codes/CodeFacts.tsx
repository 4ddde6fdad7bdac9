import { Card, Descriptions, Space, Typography, type DescriptionsProps } from 'antd';
import type { JoinCode } from '../../api/types.ts';
import { TagList } from '../../components/TagList.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { CodeStateTag } from './CodeState.tsx';

type Items = NonNullable<DescriptionsProps['items']>;

/**
 * What a code is now: its URL and check code, then what the page adds (a join code's group, a
 * live code's routing rule), then its state, expiry, rotation, caps, counters, window, password, tags.
 */
export function CodeFacts({ code: c, extra = [] }: { code: JoinCode; extra?: Items }) {
  const { t, formatTime } = useI18n();
  const unlimited = t('codes.unlimited');
  const items: Items = [
    {
      key: 'url',
      label: t('codes.url'),
      children: (
        <Typography.Text copyable={{ text: c.url }} style={{ wordBreak: 'break-all' }} data-testid="code-url">
          {c.url}
        </Typography.Text>
      ),
    },
    {
      key: 'check',
      label: t('codes.checkCode'),
      children: (
        <Space direction="vertical" size={0}>
          <Typography.Text strong style={{ fontSize: 20, letterSpacing: 4 }} data-testid="code-check">
            {c.checkCode}
          </Typography.Text>
          <Typography.Text type="secondary">{t('codes.checkCodeHint')}</Typography.Text>
        </Space>
      ),
    },
    ...extra,
    { key: 'state', label: t('codes.state'), children: <CodeStateTag state={c.state} /> },
    { key: 'expires', label: t('codes.expires'), children: c.expiresAt ? formatTime(c.expiresAt) : t('codes.never') },
    {
      key: 'rotation',
      label: t('codes.rotation'),
      children: (
        <>
          {t(`codes.rotation.${c.rotation}`)}
          {c.nextRotationAt && ` · ${t('codes.nextRotation')} ${formatTime(c.nextRotationAt)}`}
        </>
      ),
    },
    {
      key: 'caps',
      label: t('codes.caps'),
      children: t('codes.capsValue', { day: c.scansPerDayCap ?? unlimited, total: c.scansTotalCap ?? unlimited, joins: c.joinsPerHourCap ?? unlimited }),
    },
    {
      key: 'scans',
      label: t('codes.scansTodayTotal'),
      children: (
        <span data-testid="code-scans">
          {c.scansToday} / {c.scansTotal}
        </span>
      ),
    },
    ...(c.activeFrom || c.activeUntil
      ? [{ key: 'window', label: t('codes.window'), children: `${formatTime(c.activeFrom) || '…'} – ${formatTime(c.activeUntil) || '…'}` }]
      : []),
    { key: 'password', label: t('codes.password'), children: c.passwordRequired ? t('codes.passwordRequired') : t('common.no') },
    { key: 'tags', label: t('codes.tags'), children: <TagList values={Object.entries(c.tags).map(([key, value]) => `${key}=${value}`)} /> },
  ];
  return (
    <Card>
      <Descriptions column={1} size="small" styles={{ label: { width: 160 } }} items={items} />
    </Card>
  );
}

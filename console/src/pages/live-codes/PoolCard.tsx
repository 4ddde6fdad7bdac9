import { ArrowDownOutlined, ArrowUpOutlined, LinkOutlined, PictureOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { api, workspacePath } from '../../api/client.ts';
import { USER_AGENT_APPS, type Group, type LiveCode, type LiveCodeEntry, type UserAgentApp } from '../../api/types.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { useFeedback } from '../../feedback.ts';
import { useActionsFixed } from '../../components/CursorTable.tsx';
import { useNarrow } from '../../hooks/useNarrow.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { EntryFormModal, type NewEntryKind } from './EntryFormModal.tsx';
import { EntryExpiry, EntryFill, EntryStateTag, PoolStateTag } from './PoolTags.tsx';

interface Props {
  liveCode: LiveCode;
  groups: Group[];
  /** The role may manage codes and the live code is not revoked. */
  editable: boolean;
  /** After any change to the pool: reload the live code. */
  onChanged: () => void;
}

const isApp = (value: string): value is UserAgentApp => (USER_AGENT_APPS as readonly string[]).includes(value);

type Dialog = { adding: NewEntryKind } | { entry: LiveCodeEntry } | null;

/** What an entry is: its hosted group, or the label, platform and payload (decoded QR or URL) of a link. */
function EntryIdentity({ entry }: { entry: LiveCodeEntry }) {
  const { t } = useI18n();
  if (entry.kind === 'group') {
    return (
      <Space direction="vertical" size={0}>
        <Space size={4} wrap>
          <Tag color="blue">{t('groups.kind.hosted')}</Tag>
          <Typography.Text strong>{entry.group?.name ?? entry.groupId}</Typography.Text>
          {entry.groupNumber !== null && <Tag>{t('liveCodes.entry.autoCreated', { n: entry.groupNumber })}</Tag>}
        </Space>
        {entry.label && <Typography.Text type="secondary">{entry.label}</Typography.Text>}
      </Space>
    );
  }
  const isWeb = /^https?:\/\//i.test(entry.payload ?? '');
  return (
    <Space direction="vertical" size={0} style={{ maxWidth: 360 }}>
      <Space size={4} wrap>
        <Tag color="purple">{t(entry.source === 'image' ? 'liveCodes.entry.source.image' : 'liveCodes.entry.source.url')}</Tag>
        {entry.platform && <Tag>{t(`platform.${entry.platform}`)}</Tag>}
        {entry.label && <Typography.Text strong>{entry.label}</Typography.Text>}
      </Space>
      <Typography.Text code copyable={{ text: entry.payload ?? '' }} style={{ wordBreak: 'break-all' }} data-testid={`entry-payload-${entry.id}`}>
        {entry.payload}
      </Typography.Text>
      {isWeb && (
        <Typography.Link href={entry.payload ?? undefined} target="_blank" rel="noreferrer noopener">
          <LinkOutlined /> {t('liveCodes.entry.open')}
        </Typography.Link>
      )}
    </Space>
  );
}

/**
 * The pool editor: every entry in routing order with its state (usable, or why not), how full it
 * is, its expiry, audience and place; add a hosted group, a group QR image or a join URL; edit,
 * pause, resume or remove an entry; move it up or down (PUT …/entry-order).
 */
export function PoolCard({ liveCode, groups, editable, onChanged }: Props) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const actionsFixed = useActionsFixed();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [moving, setMoving] = useState(false);
  const path = workspacePath(workspace.id, 'live-codes', liveCode.id);
  const entries = [...liveCode.entries].sort((a, b) => a.position - b.position);
  const now = Date.now();
  const nearest = liveCode.rule === 'nearest';

  const move = async (index: number, by: -1 | 1) => {
    const order = entries.map((e) => e.id);
    const [id] = order.splice(index, 1);
    order.splice(index + by, 0, id!);
    setMoving(true);
    await feedback.run(() => api.put(`${path}/entry-order`, { entryIds: order }), t('liveCodes.reordered'), onChanged);
    setMoving(false);
  };
  const entryPath = (entry: LiveCodeEntry) => `${path}/entries/${encodeURIComponent(entry.id)}`;
  const setStatus = (entry: LiveCodeEntry, status: 'active' | 'paused') =>
    feedback.run(() => api.patch(entryPath(entry), { status }), t(status === 'paused' ? 'liveCodes.entryPaused' : 'liveCodes.entryResumed'), onChanged);

  const columns: TableColumnsType<LiveCodeEntry> = [
    {
      title: t('liveCodes.order'),
      key: 'order',
      width: 110,
      render: (_, entry, index) => (
        <Space size={4}>
          <Typography.Text strong>{index + 1}</Typography.Text>
          {editable && (
            <>
              <Tooltip title={t('liveCodes.moveUp')}>
                <Button size="small" icon={<ArrowUpOutlined />} disabled={index === 0 || moving} onClick={() => void move(index, -1)} aria-label={t('liveCodes.moveUp')} data-testid={`entry-up-${entry.id}`} />
              </Tooltip>
              <Tooltip title={t('liveCodes.moveDown')}>
                <Button
                  size="small"
                  icon={<ArrowDownOutlined />}
                  disabled={index === entries.length - 1 || moving}
                  onClick={() => void move(index, 1)}
                  aria-label={t('liveCodes.moveDown')}
                  data-testid={`entry-down-${entry.id}`}
                />
              </Tooltip>
            </>
          )}
        </Space>
      ),
    },
    { title: t('liveCodes.entryHeader'), key: 'entry', render: (_, entry) => <EntryIdentity entry={entry} /> },
    { title: t('codes.state'), key: 'state', render: (_, entry) => <EntryStateTag entry={entry} /> },
    { title: t('liveCodes.fill'), key: 'fill', render: (_, entry) => <EntryFill entry={entry} /> },
    { title: t('codes.expires'), key: 'expires', render: (_, entry) => <EntryExpiry entry={entry} now={now} /> },
    {
      title: t('liveCodes.entry.audience'),
      key: 'audience',
      render: (_, entry) =>
        entry.audience ? (
          <Space size={[0, 4]} wrap data-testid={`entry-audience-${entry.id}`}>
            {entry.audience.map((app) => (
              <Tag key={app}>{isApp(app) ? t(`ua.${app}`) : app}</Tag>
            ))}
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('liveCodes.entry.everyone')}</Typography.Text>
        ),
    },
    {
      title: t('liveCodes.entry.place'),
      key: 'place',
      render: (_, entry) =>
        entry.latitude !== null && entry.longitude !== null ? (
          <Space direction="vertical" size={0}>
            {entry.region && <Typography.Text>{entry.region}</Typography.Text>}
            <Typography.Text type="secondary">
              {entry.latitude.toFixed(4)}, {entry.longitude.toFixed(4)}
            </Typography.Text>
          </Space>
        ) : nearest ? (
          <Tag color="error">{t('liveCodes.entry.noPlace')}</Tag>
        ) : (
          (entry.region ?? <Typography.Text type="secondary">—</Typography.Text>)
        ),
    },
  ];
  if (editable) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      fixed: actionsFixed,
      render: (_, entry) => (
        <Space wrap>
          <Button size="small" onClick={() => setDialog({ entry })} data-testid={`entry-edit-${entry.id}`}>
            {t('action.edit')}
          </Button>
          {entry.status === 'paused' ? (
            <Button size="small" onClick={() => void setStatus(entry, 'active')} data-testid={`entry-resume-${entry.id}`}>
              {t('codes.resume')}
            </Button>
          ) : entry.status === 'retired' ? (
            <Tooltip title={t('liveCodes.bringBackHint')}>
              <Button size="small" onClick={() => void setStatus(entry, 'active')} data-testid={`entry-resume-${entry.id}`}>
                {t('liveCodes.bringBack')}
              </Button>
            </Tooltip>
          ) : (
            <Button size="small" onClick={() => void setStatus(entry, 'paused')} data-testid={`entry-pause-${entry.id}`}>
              {t('codes.pause')}
            </Button>
          )}
          <ConfirmButton
            confirm={t('liveCodes.removeConfirm')}
            onConfirm={() => feedback.run(() => api.delete(entryPath(entry)), t('liveCodes.entryRemoved'), onChanged)}
            testId={`entry-remove-${entry.id}`}
          >
            {t('action.remove')}
          </ConfirmButton>
        </Space>
      ),
    });
  }

  const saved = () => {
    feedback.done(t('liveCodes.entrySaved'));
    onChanged();
  };

  const narrow = useNarrow();
  const addButtons = editable && (
    <Space wrap>
      <Button icon={<PlusOutlined />} onClick={() => setDialog({ adding: 'group' })} data-testid="entry-add-group">
        {t('liveCodes.addGroup')}
      </Button>
      <Button icon={<PictureOutlined />} onClick={() => setDialog({ adding: 'image' })} data-testid="entry-add-image">
        {t('liveCodes.addImage')}
      </Button>
      <Button icon={<LinkOutlined />} onClick={() => setDialog({ adding: 'url' })} data-testid="entry-add-url">
        {t('liveCodes.addUrl')}
      </Button>
    </Space>
  );

  return (
    <Card
      title={
        <Space wrap>
          {t('liveCodes.pool')}
          <Typography.Text type="secondary" data-testid="pool-summary">
            {t('liveCodes.poolSummary', { usable: liveCode.usableEntries, entries: liveCode.entries.length })}
          </Typography.Text>
          <PoolStateTag state={liveCode.poolState} />
        </Space>
      }
      extra={!narrow && addButtons}
      data-testid="pool"
    >
      {narrow && addButtons && <div style={{ marginBottom: 12 }}>{addButtons}</div>}
      {liveCode.poolState !== 'ok' && (
        <Typography.Paragraph type={liveCode.poolState === 'empty' ? 'danger' : 'warning'} data-testid="pool-warning">
          {t(liveCode.poolState === 'empty' ? 'liveCodes.poolEmptyHint' : 'liveCodes.poolLowHint')}
        </Typography.Paragraph>
      )}
      <Table<LiveCodeEntry>
        rowKey="id"
        size="small"
        scroll={{ x: 'max-content' }}
        pagination={false}
        columns={columns}
        dataSource={entries}
        locale={{ emptyText: t('liveCodes.noEntries') }}
        data-testid="pool-entries"
      />
      {dialog && (
        <EntryFormModal
          {...('entry' in dialog ? { entry: dialog.entry } : { adding: dialog.adding })}
          liveCode={liveCode}
          groups={groups}
          open
          onClose={() => setDialog(null)}
          onSaved={saved}
        />
      )}
    </Card>
  );
}

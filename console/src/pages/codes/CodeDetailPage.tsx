import { ArrowLeftOutlined, DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Popconfirm, Row, Space, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, workspacePath } from '../../api/client.ts';
import type { JoinCode } from '../../api/types.ts';
import { ErrorResult } from '../../components/ErrorResult.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageSpinner } from '../../components/PageSpinner.tsx';
import { TagList } from '../../components/TagList.tsx';
import { useFeedback } from '../../feedback.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canManageCodes } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';
import { CodeFormModal } from './CodeFormModal.tsx';
import { CodeStateTag } from './CodeState.tsx';
import { CodeStatsCard } from './CodeStatsCard.tsx';
import { useGroups, usePlanLimits } from './useGroups.ts';

/** Same-origin links: the session cookie authenticates the download, no script needed. */
function downloadLinks(workspaceId: string, codeId: string, lang: string) {
  const base = `/api/v1${workspacePath(workspaceId, 'codes', codeId)}`;
  return [
    { key: 'png', href: `${base}/qr?format=png`, label: 'codes.downloadPng' },
    { key: 'svg', href: `${base}/qr?format=svg`, label: 'codes.downloadSvg' },
    { key: 'poster', href: `${base}/poster?format=png&locale=${lang}`, label: 'codes.downloadPoster' },
    { key: 'poster-svg', href: `${base}/poster?format=svg&locale=${lang}`, label: 'codes.downloadPosterSvg' },
    { key: 'poster-pdf', href: `${base}/poster?format=pdf&locale=${lang}`, label: 'codes.downloadPosterPdf' },
  ] as const;
}

export default function CodeDetailPage() {
  const { t, lang, formatTime } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const { codeId = '' } = useParams();
  const path = workspacePath(workspace.id, 'codes', codeId);
  const code = useResource(path, () => api.get<JoinCode>(path));
  const groups = useGroups(workspace.id);
  const limits = usePlanLimits(workspace.id);
  const [editing, setEditing] = useState(false);
  const [version, setVersion] = useState(0);
  const manage = canManageCodes(workspace.role);

  if (code.error) return <ErrorResult error={code.error} onRetry={code.reload} />;
  const c = code.data;
  if (!c) return <PageSpinner />;
  const group = groups.data?.items.find((g) => g.id === c.groupId);
  const refresh = () => {
    code.reload();
    setVersion((v) => v + 1);
  };
  const act = (action: () => Promise<unknown>, done: string) => feedback.run(action, done, refresh);
  const unlimited = t('codes.unlimited');
  const live = c.status !== 'revoked';

  return (
    <>
      <PageHeader
        title={
          <Space>
            <Link to={`/w/${workspace.id}/codes`} aria-label={t('action.back')}>
              <ArrowLeftOutlined />
            </Link>
            <span data-testid="code-title">{c.name}</span>
            <CodeStateTag state={c.state} />
          </Space>
        }
        extra={
          manage &&
          live && (
            <Space wrap>
              <Button onClick={() => setEditing(true)} data-testid="code-edit">
                {t('action.edit')}
              </Button>
              {c.status === 'active' ? (
                <Button onClick={() => void act(() => api.patch(path, { status: 'paused' }), t('codes.paused'))} data-testid="code-pause">
                  {t('codes.pause')}
                </Button>
              ) : (
                <Button onClick={() => void act(() => api.patch(path, { status: 'active' }), t('codes.resumed'))} data-testid="code-resume">
                  {t('codes.resume')}
                </Button>
              )}
              <Popconfirm title={t('codes.resetConfirm')} onConfirm={() => act(() => api.post(`${path}/reset`), t('codes.resetDone'))} okButtonProps={{ danger: true, 'data-testid': 'code-reset-ok' }}>
                <Button danger data-testid="code-reset">
                  {t('codes.reset')}
                </Button>
              </Popconfirm>
              <Popconfirm title={t('codes.revokeConfirm')} onConfirm={() => act(() => api.post(`${path}/revoke`, {}), t('codes.revoked'))} okButtonProps={{ danger: true, 'data-testid': 'code-revoke-ok' }}>
                <Button danger type="primary" data-testid="code-revoke">
                  {t('codes.revoke')}
                </Button>
              </Popconfirm>
            </Space>
          )
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card>
            <Descriptions column={1} size="small" styles={{ label: { width: 160 } }}>
              <Descriptions.Item label={t('codes.url')}>
                <Typography.Text copyable={{ text: c.url }} style={{ wordBreak: 'break-all' }} data-testid="code-url">
                  {c.url}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('codes.checkCode')}>
                <Space direction="vertical" size={0}>
                  <Typography.Text strong style={{ fontSize: 20, letterSpacing: 4 }} data-testid="code-check">
                    {c.checkCode}
                  </Typography.Text>
                  <Typography.Text type="secondary">{t('codes.checkCodeHint')}</Typography.Text>
                </Space>
              </Descriptions.Item>
              <Descriptions.Item label={t('codes.group')}>{group?.name ?? c.groupId}</Descriptions.Item>
              <Descriptions.Item label={t('codes.state')}>
                <CodeStateTag state={c.state} />
              </Descriptions.Item>
              <Descriptions.Item label={t('codes.expires')}>{c.expiresAt ? formatTime(c.expiresAt) : t('codes.never')}</Descriptions.Item>
              <Descriptions.Item label={t('codes.rotation')}>
                {t(`codes.rotation.${c.rotation}`)}
                {c.nextRotationAt && ` · ${t('codes.nextRotation')} ${formatTime(c.nextRotationAt)}`}
              </Descriptions.Item>
              <Descriptions.Item label={t('codes.caps')}>
                {t('codes.capsValue', { day: c.scansPerDayCap ?? unlimited, total: c.scansTotalCap ?? unlimited, joins: c.joinsPerHourCap ?? unlimited })}
              </Descriptions.Item>
              <Descriptions.Item label={t('codes.scansTodayTotal')}>
                <span data-testid="code-scans">
                  {c.scansToday} / {c.scansTotal}
                </span>
              </Descriptions.Item>
              {(c.activeFrom || c.activeUntil) && (
                <Descriptions.Item label={t('codes.window')}>
                  {formatTime(c.activeFrom) || '…'} – {formatTime(c.activeUntil) || '…'}
                </Descriptions.Item>
              )}
              <Descriptions.Item label={t('codes.password')}>{c.passwordRequired ? t('codes.passwordRequired') : t('common.no')}</Descriptions.Item>
              <Descriptions.Item label={t('codes.tags')}>
                <TagList values={Object.entries(c.tags).map(([key, value]) => `${key}=${value}`)} />
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('codes.downloads')}>
            <Space wrap>
              {downloadLinks(workspace.id, c.id, lang).map((link) => (
                <Button key={link.key} href={link.href} download icon={<DownloadOutlined />} data-testid={`download-${link.key}`}>
                  {t(link.label)}
                </Button>
              ))}
            </Space>
          </Card>
        </Col>
        <Col span={24}>
          <CodeStatsCard workspaceId={workspace.id} codeId={c.id} version={version} />
        </Col>
      </Row>
      {editing && (
        <CodeFormModal
          code={c}
          open
          onClose={() => setEditing(false)}
          limits={limits}
          groups={groups.data?.items ?? []}
          onSaved={() => {
            feedback.done(t('codes.saved'));
            refresh();
          }}
        />
      )}
    </>
  );
}

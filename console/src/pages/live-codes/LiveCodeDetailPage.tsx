import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Col, Row, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, workspacePath } from '../../api/client.ts';
import type { LiveCode } from '../../api/types.ts';
import { ErrorResult } from '../../components/ErrorResult.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageSpinner } from '../../components/PageSpinner.tsx';
import { useFeedback } from '../../feedback.ts';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { canManageCodes } from '../../permissions.ts';
import { useWorkspace } from '../../workspace.ts';
import { CodeActions } from '../codes/CodeActions.tsx';
import { CodeDownloads } from '../codes/CodeDownloads.tsx';
import { CodeFacts } from '../codes/CodeFacts.tsx';
import { CodeStateTag } from '../codes/CodeState.tsx';
import { CodeStatsCard } from '../codes/CodeStatsCard.tsx';
import { useGroups, usePlanLimits } from '../codes/useGroups.ts';
import { LiveCodeFormModal } from './LiveCodeFormModal.tsx';
import { PoolCard } from './PoolCard.tsx';
import { PoolStateTag } from './PoolTags.tsx';

/**
 * One live code: the code itself as on a join code's page (URL, check code, downloads, reset,
 * rotation, revoke with blast radius, stats), its pool rules and template, and the pool editor.
 */
export default function LiveCodeDetailPage() {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const feedback = useFeedback();
  const { liveCodeId = '' } = useParams();
  const path = workspacePath(workspace.id, 'live-codes', liveCodeId);
  const liveCode = useResource(path, () => api.get<LiveCode>(path));
  const groups = useGroups(workspace.id);
  const limits = usePlanLimits(workspace.id);
  const [editingRules, setEditingRules] = useState(false);
  const [version, setVersion] = useState(0);

  if (liveCode.error) return <ErrorResult error={liveCode.error} onRetry={liveCode.reload} />;
  const l = liveCode.data;
  if (!l) return <PageSpinner />;
  const refresh = () => {
    liveCode.reload();
    setVersion((v) => v + 1);
  };
  const editable = canManageCodes(workspace.role) && l.code.status !== 'revoked';
  const template = l.template;

  return (
    <>
      <PageHeader
        title={
          <Space wrap>
            <Link to={`/w/${workspace.id}/live-codes`} aria-label={t('action.back')}>
              <ArrowLeftOutlined />
            </Link>
            <span data-testid="live-code-title">{l.name}</span>
            <CodeStateTag state={l.code.state} />
            <PoolStateTag state={l.poolState} />
          </Space>
        }
        extra={
          <Space wrap>
            {editable && (
              <Button onClick={() => setEditingRules(true)} data-testid="live-code-edit-rules">
                {t('liveCodes.editRules')}
              </Button>
            )}
            <CodeActions code={l.code} limits={limits} groups={[]} onChanged={refresh} />
          </Space>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <CodeFacts
            code={l.code}
            extra={[
              {
                key: 'rule',
                label: t('liveCodes.rule'),
                children: (
                  <Space direction="vertical" size={0}>
                    <span data-testid="live-code-rule">{t(`liveCodes.rule.${l.rule}`)}</span>
                    <Typography.Text type="secondary">{t(`liveCodes.ruleHint.${l.rule}`)}</Typography.Text>
                  </Space>
                ),
              },
              {
                key: 'template',
                label: t('liveCodes.template'),
                children: template ? (
                  <Space direction="vertical" size={0} data-testid="live-code-template">
                    <span>{t('liveCodes.templateNext', { name: template.namePattern.replaceAll('{n}', String(l.nextGroupNumber)) })}</span>
                    <Typography.Text type="secondary">
                      {t('liveCodes.templateDetails', {
                        capacity: template.capacity ?? limits?.memberCapPerGroup ?? '…',
                        admins: template.adminIds?.length ?? 0,
                      })}
                    </Typography.Text>
                  </Space>
                ) : (
                  <Typography.Text type="secondary">{t('liveCodes.noTemplate')}</Typography.Text>
                ),
              },
              {
                key: 'defaults',
                label: t('liveCodes.entryDefaults'),
                children: t('liveCodes.entryDefaultsValue', {
                  threshold: l.scanThreshold,
                  validity: l.entryValidityHours === null ? t('liveCodes.noExpiry') : t('liveCodes.hours', { hours: l.entryValidityHours }),
                }),
              },
            ]}
          />
        </Col>
        <Col xs={24} xl={10}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <CodeDownloads workspaceId={workspace.id} codeId={l.id} url={l.code.url} name={l.name} />
            <Typography.Paragraph type="secondary">
              <Tag color="blue">{t('liveCodes.permanent')}</Tag> {t('liveCodes.permanentHint')}
            </Typography.Paragraph>
          </Space>
        </Col>
        <Col span={24}>
          <PoolCard liveCode={l} groups={groups.data?.items ?? []} editable={editable} onChanged={refresh} />
        </Col>
        <Col span={24}>
          <CodeStatsCard workspaceId={workspace.id} codeId={l.id} version={version} />
        </Col>
      </Row>
      {editingRules && (
        <LiveCodeFormModal
          liveCode={l}
          open
          onClose={() => setEditingRules(false)}
          limits={limits}
          onSaved={() => {
            feedback.done(t('liveCodes.saved'));
            refresh();
          }}
        />
      )}
    </>
  );
}

import { ArrowLeftOutlined } from '@ant-design/icons';
import { Col, Row, Space } from 'antd';
import { useState } from 'react';
import { Link, Navigate, useParams } from 'react-router-dom';
import { api, workspacePath } from '../../api/client.ts';
import type { JoinCode } from '../../api/types.ts';
import { ErrorResult } from '../../components/ErrorResult.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageSpinner } from '../../components/PageSpinner.tsx';
import { useResource } from '../../hooks/useResource.ts';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';
import { CodeActions } from './CodeActions.tsx';
import { CodeDownloads } from './CodeDownloads.tsx';
import { CodeFacts } from './CodeFacts.tsx';
import { CodeStateTag } from './CodeState.tsx';
import { CodeStatsCard } from './CodeStatsCard.tsx';
import { useGroups, usePlanLimits } from './useGroups.ts';

export default function CodeDetailPage() {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const { codeId = '' } = useParams();
  const path = workspacePath(workspace.id, 'codes', codeId);
  const code = useResource(path, () => api.get<JoinCode>(path));
  const groups = useGroups(workspace.id);
  const limits = usePlanLimits(workspace.id);
  const [version, setVersion] = useState(0);

  if (code.error) return <ErrorResult error={code.error} onRetry={code.reload} />;
  const c = code.data;
  if (!c) return <PageSpinner />;
  // A live code's page shows its pool next to the same code facts.
  if (c.kind === 'live') return <Navigate to={`/w/${workspace.id}/live-codes/${c.id}`} replace />;
  const group = groups.data?.items.find((g) => g.id === c.groupId);
  const refresh = () => {
    code.reload();
    setVersion((v) => v + 1);
  };

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
        extra={<CodeActions code={c} limits={limits} groups={groups.data?.items ?? []} onChanged={refresh} />}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <CodeFacts code={c} extra={[{ key: 'group', label: t('codes.group'), children: group?.name ?? c.groupId }]} />
        </Col>
        <Col xs={24} xl={10}>
          <CodeDownloads workspaceId={workspace.id} codeId={c.id} url={c.url} name={c.name} />
        </Col>
        <Col span={24}>
          <CodeStatsCard workspaceId={workspace.id} codeId={c.id} version={version} />
        </Col>
      </Row>
    </>
  );
}

import { Card, Descriptions, Space, Tag } from 'antd';
import { api, workspacePath } from '../api/client.ts';
import type { Workspace } from '../api/types.ts';
import { ErrorResult } from '../components/ErrorResult.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useResource } from '../hooks/useResource.ts';
import { useI18n } from '../I18nProvider.tsx';
import { useWorkspace } from '../workspace.ts';
import { ActivityChart } from './ActivityChart.tsx';

export default function Overview() {
  const { t, formatTime } = useI18n();
  const membership = useWorkspace();
  const path = workspacePath(membership.id);
  const { data: workspace, error, reload } = useResource(path, () => api.get<Workspace>(path));

  if (error) return <ErrorResult error={error} onRetry={reload} />;
  return (
    <>
      <PageHeader title={t('nav.overview')} />
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Card loading={!workspace}>
          {workspace && (
            <Descriptions
              column={{ xs: 1, md: 2 }}
              items={[
                { key: 'name', label: t('workspace.name'), children: <span data-testid="overview-name">{workspace.name}</span> },
                { key: 'plan', label: t('plan.plan'), children: <Tag color="blue">{t(`plan.${workspace.plan}`)}</Tag> },
                { key: 'role', label: t('overview.yourRole'), children: t(`role.${membership.role}`) },
                { key: 'created', label: t('common.created'), children: formatTime(workspace.createdAt) },
              ]}
            />
          )}
        </Card>
        <ActivityChart workspaceId={membership.id} />
      </Space>
    </>
  );
}

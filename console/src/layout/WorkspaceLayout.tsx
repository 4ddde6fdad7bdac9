import {
  AccountBookOutlined,
  ApartmentOutlined,
  ApiOutlined,
  AuditOutlined,
  ClusterOutlined,
  DashboardOutlined,
  FlagOutlined,
  FunnelPlotOutlined,
  GiftOutlined,
  KeyOutlined,
  MailOutlined,
  QrcodeOutlined,
  SettingOutlined,
  TeamOutlined,
  UsergroupAddOutlined,
} from '@ant-design/icons';
import { Button, Drawer, Flex, Grid, Layout, Menu, Result, theme } from 'antd';
import { Suspense, useState, type ReactNode } from 'react';
import { Link, Outlet, useLocation, useNavigate, useParams } from 'react-router-dom';
import { PageErrorBoundary } from '../components/PageErrorBoundary.tsx';
import { PageSpinner } from '../components/PageSpinner.tsx';
import { useI18n } from '../I18nProvider.tsx';
import { canOpen, isSection, SECTIONS, type Section } from '../permissions.ts';
import { useSignedIn } from '../session.tsx';
import { WorkspaceContext } from '../workspace.ts';
import { AppHeader } from './AppHeader.tsx';

const icons: Record<Section, ReactNode> = {
  overview: <DashboardOutlined />,
  groups: <UsergroupAddOutlined />,
  codes: <QrcodeOutlined />,
  'live-codes': <ApartmentOutlined />,
  invites: <GiftOutlined />,
  campaigns: <FlagOutlined />,
  referrals: <ClusterOutlined />,
  rewards: <AccountBookOutlined />,
  funnel: <FunnelPlotOutlined />,
  staff: <TeamOutlined />,
  'api-keys': <KeyOutlined />,
  webhooks: <ApiOutlined />,
  'audit-log': <AuditOutlined />,
  'mail-outbox': <MailOutlined />,
  plan: <SettingOutlined />,
};

/**
 * The frame of every /w/:workspaceId page: side menu, header, and the page itself. The page is
 * made afresh for each workspace, so nothing one workspace's page held (selected rows, a bulk
 * revoke it follows, an open dialog) carries over to the next after switching.
 */
export function WorkspaceLayout() {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const navigate = useNavigate();
  const { workspaceId } = useParams();
  const { workspaces } = useSignedIn();
  const section = useLocation().pathname.split('/')[3];
  const workspace = workspaces.find((w) => w.id === workspaceId);
  // Below antd's lg breakpoint (992 px) the menu moves into a drawer opened from the header.
  const compact = Grid.useBreakpoint().lg === false;
  const [menuOpen, setMenuOpen] = useState(false);

  if (!workspace) {
    return (
      <Result
        status="404"
        title={t('workspace.notFound')}
        extra={
          <Button type="primary" onClick={() => navigate('/')}>
            {t('workspace.backHome')}
          </Button>
        }
      />
    );
  }

  const menuItems = SECTIONS.filter((s) => canOpen(workspace.role, s)).map((s) => ({
    key: s,
    icon: icons[s],
    label: (
      <Link to={`/w/${workspace.id}/${s}`} data-testid={`nav-${s}`}>
        {t(`nav.${s}`)}
      </Link>
    ),
  }));
  const allowed = !isSection(section) || canOpen(workspace.role, section);
  const navigation = (
    <>
      <Flex align="center" gap={8} style={{ height: 64, padding: '0 24px', fontWeight: 600, fontSize: 18 }}>
        <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={24} height={24} />
        {t('app.name')}
      </Flex>
      <Menu mode="inline" selectedKeys={section ? [section] : []} items={menuItems} onClick={() => setMenuOpen(false)} style={{ borderInlineEnd: 0 }} />
    </>
  );

  return (
    <WorkspaceContext.Provider value={workspace}>
      <Layout style={{ minHeight: '100vh' }}>
        {compact ? (
          <Drawer placement="left" open={menuOpen} onClose={() => setMenuOpen(false)} width={240} closable={false} styles={{ body: { padding: 0 } }}>
            {navigation}
          </Drawer>
        ) : (
          <Layout.Sider theme="light" width={220}>
            {navigation}
          </Layout.Sider>
        )}
        <Layout>
          <Layout.Header style={{ background: token.colorBgContainer, padding: compact ? '0 8px' : '0 24px', borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
            <AppHeader workspace={workspace} section={isSection(section) ? section : 'overview'} compact={compact} onOpenMenu={() => setMenuOpen(true)} />
          </Layout.Header>
          <Layout.Content style={{ padding: compact ? 12 : 24 }}>
            <PageErrorBoundary>
              <Suspense fallback={<PageSpinner />}>
                {allowed ? <Outlet key={workspace.id} /> : <Result status="403" title={t('error.forbiddenTitle')} subTitle={t('error.forbiddenSection')} />}
              </Suspense>
            </PageErrorBoundary>
          </Layout.Content>
        </Layout>
      </Layout>
    </WorkspaceContext.Provider>
  );
}

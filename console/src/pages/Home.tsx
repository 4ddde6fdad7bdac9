import { Flex, Result } from 'antd';
import { Navigate } from 'react-router-dom';
import { CreateWorkspaceModal } from '../components/CreateWorkspaceModal.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { useI18n } from '../I18nProvider.tsx';
import { UserMenu } from '../layout/UserMenu.tsx';
import { useSignedIn } from '../session.tsx';

/** /console/: opens the first workspace, or offers to create one for staff who have none. */
export function Home() {
  const { t } = useI18n();
  const { workspaces } = useSignedIn();
  const first = workspaces[0];
  if (first) return <Navigate to={`/w/${first.id}/overview`} replace />;

  return (
    <>
      <Flex justify="end" gap={8} style={{ padding: 16 }}>
        <LanguageSwitch />
        <UserMenu />
      </Flex>
      <Result
        status="info"
        title={t('home.noWorkspace')}
        subTitle={t('home.noWorkspaceHint')}
        extra={<CreateWorkspaceModal primary />}
      />
    </>
  );
}

import { DownOutlined, KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { useState } from 'react';
import { ChangePasswordModal } from '../components/ChangePasswordModal.tsx';
import { useFeedback } from '../feedback.ts';
import { useI18n } from '../I18nProvider.tsx';
import { useSession, useSignedIn } from '../session.tsx';

/** The signed-in person: change password, sign out. Compact: the icon only (on a phone). */
export function UserMenu({ compact = false }: { compact?: boolean }) {
  const { t } = useI18n();
  const { staff } = useSignedIn();
  const { signOut } = useSession();
  const feedback = useFeedback();
  const [changingPassword, setChangingPassword] = useState(false);

  const items = [
    { key: 'password', icon: <KeyOutlined />, label: t('password.change') },
    { key: 'sign-out', icon: <LogoutOutlined />, label: <span data-testid="sign-out">{t('user.signOut')}</span> },
  ];
  const onClick = ({ key }: { key: string }) => {
    if (key === 'password') setChangingPassword(true);
    else signOut().catch(feedback.failed);
  };

  return (
    <>
      <Dropdown menu={{ items, onClick }} trigger={['click']}>
        <Button type="text" icon={<UserOutlined />} data-testid="user-menu" title={staff.email} aria-label={staff.displayName}>
          {!compact && (
            <>
              {staff.displayName} <DownOutlined />
            </>
          )}
        </Button>
      </Dropdown>
      <ChangePasswordModal open={changingPassword} onClose={() => setChangingPassword(false)} />
    </>
  );
}

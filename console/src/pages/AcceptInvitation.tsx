import { Alert, Button, Descriptions, Form, Input, Result } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, api, setCsrfToken } from '../api/client.ts';
import type { InvitationPreview, Staff } from '../api/types.ts';
import { ErrorResult } from '../components/ErrorResult.tsx';
import { NewPasswordFields } from '../components/NewPasswordFields.tsx';
import { PageSpinner } from '../components/PageSpinner.tsx';
import { PublicFrame } from '../components/PublicFrame.tsx';
import { describeError } from '../feedback.ts';
import { useResource } from '../hooks/useResource.ts';
import { useI18n } from '../I18nProvider.tsx';
import { useSession } from '../session.tsx';

interface Values {
  displayName?: string;
  password?: string;
}

interface Accepted {
  workspaceId: string;
  staff: Staff;
  csrfToken: string;
}

/** /console/invite/:token — public: shows the invitation, creates the account if needed, signs in. */
export default function AcceptInvitation() {
  const { t, formatTime } = useI18n();
  const { refresh } = useSession();
  const navigate = useNavigate();
  const path = `/invitations/${encodeURIComponent(useParams().token ?? '')}`;
  const preview = useResource(path, () => api.get<InvitationPreview>(path));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const accept = async ({ displayName, password }: Values) => {
    setBusy(true);
    setError(null);
    try {
      const body = preview.data?.accountExists ? {} : { displayName: displayName?.trim(), password };
      const accepted = await api.post<Accepted>(`${path}/accept`, body);
      setCsrfToken(accepted.csrfToken);
      await refresh();
      navigate(`/w/${accepted.workspaceId}/overview`, { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  if (preview.error) {
    const gone = preview.error instanceof ApiError && (preview.error.status === 404 || preview.error.status === 410);
    if (!gone) return <ErrorResult error={preview.error} onRetry={preview.reload} />;
    return (
      <Result
        status="warning"
        title={t('invite.unusable')}
        subTitle={describeError(preview.error, t)}
        extra={<Link to="/sign-in">{t('signIn.submit')}</Link>}
      />
    );
  }
  const invitation = preview.data;
  if (!invitation) return <PageSpinner />;

  return (
    <PublicFrame title={t('invite.title', { workspace: invitation.workspaceName })}>
      <Descriptions
        column={1}
        size="small"
        style={{ marginBottom: 16 }}
        items={[
          { key: 'email', label: t('common.email'), children: invitation.email },
          { key: 'role', label: t('staff.role'), children: t(`role.${invitation.role}`) },
          { key: 'expires', label: t('staff.expires'), children: formatTime(invitation.expiresAt) },
        ]}
      />
      {error !== null && <Alert type="error" showIcon title={describeError(error, t)} style={{ marginBottom: 16 }} />}
      <Form layout="vertical" onFinish={(values) => void accept(values)} requiredMark={false}>
        {invitation.accountExists ? (
          <Alert type="info" showIcon title={t('invite.accountExists')} style={{ marginBottom: 16 }} />
        ) : (
          <>
            <Form.Item name="displayName" label={t('invite.displayName')} rules={[{ required: true, whitespace: true, max: 100 }]}>
              <Input autoComplete="name" data-testid="invite-display-name" />
            </Form.Item>
            <NewPasswordFields name="password" label={t('invite.choosePassword')} />
          </>
        )}
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="invite-accept">
          {t('invite.accept')}
        </Button>
      </Form>
    </PublicFrame>
  );
}

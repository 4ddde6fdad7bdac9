import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { PublicFrame } from '../components/PublicFrame.tsx';
import { describeError } from '../feedback.ts';
import { useI18n } from '../I18nProvider.tsx';
import { useSession } from '../session.tsx';

/** Only paths inside the console are followed after signing in, never another origin. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignIn() {
  const { t } = useI18n();
  const { state, signIn } = useSession();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (state.status === 'signed-in') return <Navigate to={safeNext(params.get('next'))} replace />;

  const submit = async ({ email, password }: { email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <PublicFrame title={t('signIn.title')}>
      {error !== null && (
        <Alert type="error" showIcon title={describeError(error, t)} style={{ marginBottom: 16 }} data-testid="sign-in-error" />
      )}
      <Form layout="vertical" onFinish={(values) => void submit(values)} requiredMark={false}>
        <Form.Item name="email" label={t('signIn.email')} rules={[{ required: true, type: 'email' }]}>
          <Input prefix={<MailOutlined />} autoComplete="username" autoFocus data-testid="sign-in-email" />
        </Form.Item>
        <Form.Item name="password" label={t('signIn.password')} rules={[{ required: true }]}>
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="sign-in-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="sign-in-submit">
          {t('signIn.submit')}
        </Button>
      </Form>
    </PublicFrame>
  );
}

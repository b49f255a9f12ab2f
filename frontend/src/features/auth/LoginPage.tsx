import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { applyProblemToForm, problemMessage, problemOf } from '../../lib/problem';
import { useAuth } from './AuthContext';

interface LoginValues {
  username: string;
  password: string;
}

export function LoginPage() {
  const { t } = useTranslation();
  const { signedIn, login } = useAuth();
  const location = useLocation();
  const [form] = Form.useForm<LoginValues>();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  if (signedIn) {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/login' ? from : '/'} replace />;
  }

  const onSubmit = async ({ username, password }: LoginValues) => {
    setError(null);
    setSubmitting(true);
    try {
      await login(username.trim(), password);
    } catch (failure) {
      const problem = problemOf(failure);
      const unmatched = applyProblemToForm(form, problem);
      if (problem.errors.length === 0 || unmatched.length > 0) setError(problemMessage(problem, t));
      setSubmitting(false);
    }
  };

  return (
    <Flex vertical align="center" justify="center" style={{ minHeight: '100vh', background: '#f5f5f5' }}>
      <Card style={{ width: 360 }}>
        <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('app.name')} · {t('auth.title')}
          </Typography.Title>
          <LanguageSwitch />
        </Flex>
        {error && (
          <Alert data-testid="login-error" type="error" showIcon title={error} style={{ marginBottom: 16 }} />
        )}
        <Form<LoginValues> form={form} layout="vertical" onFinish={(values) => void onSubmit(values)} requiredMark={false}>
          <Form.Item name="username" label={t('auth.email')} rules={[{ required: true, whitespace: true, message: t('auth.emailRequired') }]}>
            <Input prefix={<MailOutlined />} autoComplete="username" autoFocus data-testid="login-email" />
          </Form.Item>
          <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
            {t('auth.submit')}
          </Button>
        </Form>
      </Card>
    </Flex>
  );
}

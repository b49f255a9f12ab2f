import { Alert, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ApprovalRead } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { useServerErrors } from '../../lib/useServerErrors';
import { useDecide } from './api';

interface DecisionModalProps {
  request: ApprovalRead;
  approve: boolean;
  onClose: () => void;
  onDone: (approved: boolean) => void;
}

/** Approve (comment optional) or reject (comment required: the requester sees why). */
export function DecisionModal({ request, approve, onClose, onDone }: DecisionModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ comment?: string }>();
  const { serverError, handleError, clear } = useServerErrors(form);
  const decide = useDecide(request);
  const conflict = serverError?.problem.status === 409;

  const submit = ({ comment }: { comment?: string }) => {
    clear();
    const text = comment?.trim() ?? '';
    decide.mutate(approve ? { approve: true, comment: text || undefined } : { approve: false, comment: text }, {
      onSuccess: () => onDone(approve),
      onError: handleError,
    });
  };

  return (
    <FormModal
      title={approve ? t('approvals.approveTitle') : t('approvals.rejectTitle')}
      okText={approve ? t('approvals.approve') : t('approvals.reject')}
      form={form}
      submitting={decide.isPending}
      onClose={onClose}
      serverError={serverError}
      submitTestId="approval-decision-submit"
      okButtonProps={{ danger: !approve, disabled: conflict }}
      intro={
        <>
          <Typography.Paragraph>{request.summary}</Typography.Paragraph>
          {conflict && <Alert type="warning" showIcon style={{ marginBottom: 12 }} data-testid="approval-conflict" title={t('approvals.alreadyDecided')} />}
        </>
      }
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="comment"
          label={approve ? t('approvals.commentOptional') : t('approvals.reason')}
          rules={approve ? [] : [{ required: true, whitespace: true, message: t('approvals.reasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} data-testid="approval-comment" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

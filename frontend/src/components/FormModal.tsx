import { Modal, type ButtonProps, type FormInstance, type ModalProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServerErrorState } from '../lib/useServerErrors';
import { FormProblem } from './FormProblem';

interface FormModalProps<Values> {
  title: ReactNode;
  /** The caller's form: OK submits it (its `onFinish` does the work). */
  form: FormInstance<Values>;
  /** The mutation is running: the OK button spins. */
  submitting: boolean;
  /** Cancel, the close icon, Escape. */
  onClose: () => void;
  /** From `useServerErrors(form)`; null when the dialog reports failures elsewhere. */
  serverError: ServerErrorState | null;
  /** Offered on a 412 (reload the record and edit again). */
  onReload?: () => void;
  /** `data-testid` of the OK button (unit and e2e tests click it). */
  submitTestId?: string;
  /** Defaults to "Save". */
  okText?: ReactNode;
  /** Extras for the OK button, e.g. `danger`, `disabled`. */
  okButtonProps?: ButtonProps;
  width?: ModalProps['width'];
  /** Defaults to true (most dialogs are mounted only while shown). */
  open?: boolean;
  /** Shown above the server-error banner: a hint, a warning. */
  intro?: ReactNode;
  /** The `<Form form={form} layout="vertical" onFinish=...>` (and anything between it and the banner). */
  children: ReactNode;
}

/**
 * The shell every create/edit dialog shares, written once so they cannot drift apart: OK submits
 * the caller's form (validation and `onFinish` stay with the form), Save/Cancel texts, the spinner
 * while the mutation runs, the `<FormProblem>` banner for server errors that belong to no field,
 * and `destroyOnHidden`. Dialogs with their own footer do not use it.
 */
export function FormModal<Values>({
  title,
  form,
  submitting,
  onClose,
  serverError,
  onReload,
  submitTestId,
  okText,
  okButtonProps,
  width,
  open = true,
  intro,
  children,
}: FormModalProps<Values>) {
  const { t } = useTranslation();
  // `data-testid` is no declared ButtonProps key, though antd passes it on to the button.
  const okProps = (submitTestId ? { ...okButtonProps, 'data-testid': submitTestId } : okButtonProps) as ButtonProps | undefined;
  return (
    <Modal
      open={open}
      width={width}
      title={title}
      okText={okText ?? t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={submitting}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      okButtonProps={okProps}
    >
      {intro}
      <FormProblem error={serverError} onReload={onReload} />
      {children}
    </Modal>
  );
}

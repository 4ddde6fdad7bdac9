import { Button, Form, Modal, type FormInstance } from 'antd';
import { useLayoutEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import { RefusalAlert } from './RefusalAlert.tsx';

/** The button that opens the modal, labelled with the modal's title. */
interface Trigger {
  icon?: ReactNode;
  primary?: boolean;
  testId?: string;
  /** Only the icon (on a phone's header), the title still read out and shown on hover. */
  iconOnly?: boolean;
}

/**
 * Who opens the modal: its own trigger button, whose open state it keeps (a "Create …" button),
 * or a parent that controls it (an "Edit" button on each table row, a menu item).
 */
type Opening = { trigger: Trigger; open?: never; onClose?: never } | { trigger?: never; open: boolean; onClose: () => void };

type Props<Values> = Opening & {
  title: ReactNode;
  okText: string;
  /**
   * Sends the validated values. Resolving closes the modal; rejecting keeps it open with the
   * server's answer above the form and on the fields it names.
   */
  onSubmit: (values: Values) => Promise<void>;
  /** What the fields hold each time the modal opens (the record being edited, defaults). */
  initialValues?: Partial<Values>;
  /** data-testid of the submit button. */
  submitTestId?: string;
  width?: number;
  /** The Form.Items. */
  children: ReactNode;
};

/** A problem's body errors as antd field errors: `/email` or `/ipAllowList/2` land on that field. */
function fieldErrors(error: unknown): { name: string; errors: string[] }[] {
  if (!(error instanceof ApiError)) return [];
  return (error.errors ?? []).flatMap(({ in: where, pointer, message }) => {
    const name = where === 'body' ? /^\/([^/]+)/.exec(pointer ?? '')?.[1] : undefined;
    return name && message ? [{ name, errors: [message] }] : [];
  });
}

/**
 * The skeleton of every form in a modal: open state (its own, behind a trigger, or the parent's),
 * a vertical form that starts from its initial values on each opening, a submit button that spins
 * while the request runs, closing on success, and the server's error shown in place (the form
 * stays filled in, so a correction is one edit away).
 */
export function FormModal<Values extends object>(props: Props<Values>) {
  const { trigger, title, okText, onSubmit, initialValues, submitTestId, width, children } = props;
  const [form] = Form.useForm<Values>();
  const [openedByTrigger, setOpenedByTrigger] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const open = trigger ? openedByTrigger : props.open;

  // A layout effect runs in the same task as the commit that shows the fields, so nothing typed
  // can land before the reset and be wiped by it (a passive effect may run a task later).
  useLayoutEffect(() => {
    if (open) form.resetFields();
  }, [open, form]);

  const close = () => {
    setError(null);
    setOpenedByTrigger(false);
    props.onClose?.();
  };

  const submit = async (values: Values) => {
    setSaving(true);
    setError(null);
    try {
      await onSubmit(values);
      close();
    } catch (failure) {
      setError(failure);
      // Field names are the body's keys, which the typed instance cannot know to be in Values.
      (form as FormInstance).setFields(fieldErrors(failure));
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      {trigger && (
        <Button
          type={trigger.primary ? 'primary' : 'default'}
          icon={trigger.icon}
          onClick={() => setOpenedByTrigger(true)}
          data-testid={trigger.testId}
          {...(trigger.iconOnly && typeof title === 'string' ? { 'aria-label': title, title } : {})}
        >
          {trigger.iconOnly ? null : title}
        </Button>
      )}
      <Modal
        open={open}
        title={title}
        okText={okText}
        onOk={() => form.submit()}
        onCancel={close}
        confirmLoading={saving}
        okButtonProps={submitTestId ? { 'data-testid': submitTestId } : undefined}
        width={width}
      >
        {error !== null && (
          <RefusalAlert error={error} style={{ marginBottom: 16 }} testId="form-error" />
        )}
        <Form<Values> form={form} layout="vertical" initialValues={initialValues} onFinish={(values) => void submit(values)}>
          {children}
        </Form>
      </Modal>
    </>
  );
}

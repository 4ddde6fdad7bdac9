import { InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Modal, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { api, ApiError, workspacePath } from '../../api/client.ts';
import type { InviteBatch } from '../../api/types.ts';
import { RefusalAlert } from '../../components/RefusalAlert.tsx';
import { useI18n } from '../../I18nProvider.tsx';
import { useWorkspace } from '../../workspace.ts';

interface RowError {
  line: number;
  column?: string;
  message: string;
}

/** The per-row report of a refused import (422 invalid_csv with rowErrors), or none. */
function rowErrorsOf(error: unknown): RowError[] {
  if (!(error instanceof ApiError) || error.code !== 'invalid_csv') return [];
  const rows = error.extensions.rowErrors;
  return Array.isArray(rows) ? (rows as RowError[]) : [];
}

/** A fresh Idempotency-Key (getRandomValues: randomUUID needs a secure context, and the console may be served over plain HTTP on a LAN). */
function newKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * "Import CSV": the file goes to the server as it is (text/csv), which imports it all or nothing.
 * A refusal lists every problem by line and column, in a table, so the file can be fixed at once.
 * Each picked file gets its own Idempotency-Key: sending it again after a lost answer gets the
 * first answer back instead of a refusal for codes the first upload already imported.
 */
export function ImportInvitesModal({ onImported }: { onImported: (batch: InviteBatch) => void }) {
  const { t } = useI18n();
  const workspace = useWorkspace();
  const [open, setOpen] = useState(false);
  const [picked, setPicked] = useState<{ file: File; key: string } | null>(null);
  const file = picked?.file ?? null;
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const close = () => {
    setOpen(false);
    setPicked(null);
    setError(null);
  };

  const send = async () => {
    if (!picked) return;
    setSending(true);
    setError(null);
    try {
      const batch = await api.upload<InviteBatch>(workspacePath(workspace.id, 'invites', 'import'), picked.file, 'text/csv', picked.key);
      close();
      onImported(batch);
    } catch (failure) {
      setError(failure);
    } finally {
      setSending(false);
    }
  };

  const rowErrors = rowErrorsOf(error);
  return (
    <>
      <Button icon={<UploadOutlined />} onClick={() => setOpen(true)} data-testid="invite-import">
        {t('imports.open')}
      </Button>
      <Modal
        open={open}
        title={t('imports.title')}
        okText={t('imports.submit')}
        onOk={() => void send()}
        onCancel={close}
        confirmLoading={sending}
        okButtonProps={{ disabled: !file, 'data-testid': 'import-submit' }}
        width={760}
      >
        <Typography.Paragraph type="secondary">{t('imports.hint')}</Typography.Paragraph>
        <div data-testid="import-file">
          <Upload.Dragger
            accept=".csv,text/csv"
            maxCount={1}
            fileList={file ? [{ uid: 'csv', name: file.name, status: 'done' }] : []}
            beforeUpload={(chosen) => {
              setPicked({ file: chosen, key: newKey() });
              setError(null);
              return false;
            }}
            onRemove={() => setPicked(null)}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('imports.pick')}</p>
          </Upload.Dragger>
        </div>
        {error !== null && (
          <RefusalAlert error={error} style={{ marginTop: 16 }} testId="import-error" />
        )}
        {rowErrors.length > 0 && (
          <Table<RowError>
            size="small"
            style={{ marginTop: 12 }}
            rowKey={(r) => `${r.line}:${r.column ?? ''}:${r.message}`}
            dataSource={rowErrors}
            pagination={rowErrors.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
            columns={[
              { title: t('imports.line'), dataIndex: 'line', key: 'line', width: 80 },
              { title: t('imports.column'), key: 'column', width: 160, render: (_, r) => r.column ?? <Typography.Text type="secondary">{t('imports.wholeRow')}</Typography.Text> },
              { title: t('imports.problem'), dataIndex: 'message', key: 'message' },
            ]}
            data-testid="import-row-errors"
          />
        )}
      </Modal>
    </>
  );
}

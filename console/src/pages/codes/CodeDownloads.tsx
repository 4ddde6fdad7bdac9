import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { workspacePath } from '../../api/client.ts';
import { LocalUrlWarning } from '../../components/LocalUrlWarning.tsx';
import { useI18n } from '../../I18nProvider.tsx';

/** Same-origin links: the session cookie authenticates the download, no script needed. */
function downloadLinks(workspaceId: string, codeId: string, lang: string) {
  const base = `/api/v1${workspacePath(workspaceId, 'codes', codeId)}`;
  return [
    { key: 'png', href: `${base}/qr?format=png`, label: 'codes.downloadPng' },
    { key: 'svg', href: `${base}/qr?format=svg`, label: 'codes.downloadSvg' },
    { key: 'poster', href: `${base}/poster?format=png&locale=${lang}`, label: 'codes.downloadPoster' },
    { key: 'poster-svg', href: `${base}/poster?format=svg&locale=${lang}`, label: 'codes.downloadPosterSvg' },
    { key: 'poster-pdf', href: `${base}/poster?format=pdf&locale=${lang}`, label: 'codes.downloadPosterPdf' },
  ] as const;
}

/**
 * The QR as it prints, fetched afresh whenever the code's URL changes (a reset or rotation gives it a
 * new token): the image is served no-store, and the same address would not be fetched again.
 */
function useQrPreview(href: string, url: string): string | null {
  const [objectUrl, setObjectUrl] = useState<string | null>(null);
  useEffect(() => {
    let current: string | null = null;
    let cancelled = false;
    fetch(href, { credentials: 'same-origin' })
      .then((response) => (response.ok ? response.blob() : null))
      .then(
        (blob) => {
          if (cancelled || !blob) return;
          current = URL.createObjectURL(blob);
          setObjectUrl(current);
        },
        // No preview then; the download links below do not depend on it.
        () => undefined,
      );
    return () => {
      cancelled = true;
      if (current) URL.revokeObjectURL(current);
    };
  }, [href, url]);
  return objectUrl;
}

/** The QR on screen (to try it with a phone), and as files: QR (PNG, SVG) and poster (PNG, SVG, A4 PDF); join code or live code. */
export function CodeDownloads({ workspaceId, codeId, url, name }: { workspaceId: string; codeId: string; url: string; name: string }) {
  const { t, lang } = useI18n();
  const preview = useQrPreview(`/api/v1${workspacePath(workspaceId, 'codes', codeId)}/qr?format=svg`, url);
  return (
    <Card title={t('codes.downloads')}>
      <LocalUrlWarning url={url} />
      <Flex vertical align="center" gap={4} style={{ marginBottom: 16 }}>
        <div style={{ width: 200, height: 200 }}>{preview && <img src={preview} alt={t('codes.qrOf', { name })} width={200} height={200} data-testid="code-qr-preview" />}</div>
        <Typography.Text type="secondary">{t('codes.previewHint')}</Typography.Text>
      </Flex>
      <Space wrap>
        {downloadLinks(workspaceId, codeId, lang).map((link) => (
          <Button key={link.key} href={link.href} download icon={<DownloadOutlined />} data-testid={`download-${link.key}`}>
            {t(link.label)}
          </Button>
        ))}
      </Space>
    </Card>
  );
}

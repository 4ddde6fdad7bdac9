import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Space } from 'antd';
import { workspacePath } from '../../api/client.ts';
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

/** The QR (PNG, SVG) and the poster (PNG, SVG, A4 PDF) of a code, join code or live code. */
export function CodeDownloads({ workspaceId, codeId }: { workspaceId: string; codeId: string }) {
  const { t, lang } = useI18n();
  return (
    <Card title={t('codes.downloads')}>
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

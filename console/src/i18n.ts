/**
 * Every string the console shows, in English and Simplified Chinese, side by side so a missing
 * translation cannot compile. `{name}` placeholders are filled by the translator.
 */

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** Each language's name in itself, for the language switch. */
export const LANG_NAMES: Record<Lang, string> = { 'zh-CN': '中文', en: 'English' };

const messages = {
  'app.name': ['joincode', 'joincode'],
  'app.title': ['joincode console', 'joincode 控制台'],
  'header.language': ['Language', '语言'],

  'action.back': ['Back', '返回'],
  'action.create': ['Create', '创建'],
  'action.delete': ['Delete', '删除'],
  'action.edit': ['Edit', '编辑'],
  'action.loadMore': ['Load more', '加载更多'],
  'action.more': ['More', '更多'],
  'action.refresh': ['Refresh', '刷新'],
  'action.reload': ['Reload the page', '重新加载页面'],
  'action.remove': ['Remove', '移除'],
  'action.reset': ['Reset', '重置'],
  'action.retry': ['Try again', '重试'],
  'action.revoke': ['Revoke', '撤销'],
  'action.save': ['Save', '保存'],
  'action.search': ['Search', '查询'],

  'common.actions': ['Actions', '操作'],
  'common.created': ['Created', '创建时间'],
  'common.description': ['Description', '描述'],
  'common.email': ['Email', '邮箱'],
  'common.name': ['Name', '名称'],
  'common.status': ['Status', '状态'],
  'common.yes': ['Yes', '是'],
  'common.no': ['No', '否'],

  'error.network': ['The server cannot be reached. Check your connection and try again.', '无法连接服务器，请检查网络后重试。'],
  'error.unexpected': ['Something unexpected went wrong.', '发生了意外错误。'],
  'error.pageFailed': ['This page stopped working', '页面出错了'],
  'error.pageFailedHint': ['Reloading usually helps, for example after joincode was upgraded.', '重新加载通常可以解决，例如在 joincode 升级之后。'],
  'error.loadFailed': ['Could not load this page', '页面加载失败'],
  'error.forbiddenTitle': ['Your role does not allow this', '你的角色无权访问此内容'],
  'error.forbiddenSection': ['Ask an owner of this workspace for a role with access.', '请联系该工作区的所有者为你分配有权限的角色。'],

  'signIn.title': ['Sign in to joincode', '登录 joincode'],
  'signIn.email': ['Email', '邮箱'],
  'signIn.password': ['Password', '密码'],
  'signIn.submit': ['Sign in', '登录'],

  'user.signOut': ['Sign out', '退出登录'],
  'password.change': ['Change password', '修改密码'],
  'password.current': ['Current password', '当前密码'],
  'password.new': ['New password', '新密码'],
  'password.confirm': ['Confirm password', '确认密码'],
  'password.mismatch': ['The two passwords differ', '两次输入的密码不一致'],
  'password.changed': ['Password changed', '密码已修改'],

  'home.noWorkspace': ['You are not on the staff of any workspace yet', '你还不属于任何工作区'],
  'home.noWorkspaceHint': ['Create one, or ask an owner to invite you.', '创建一个工作区，或请所有者邀请你加入。'],
  'workspace.create': ['Create workspace', '创建工作区'],
  'workspace.name': ['Workspace name', '工作区名称'],
  'workspace.switch': ['Workspace', '工作区'],
  'workspace.notFound': ['This workspace does not exist or you are not on its staff', '工作区不存在，或你不是其成员'],
  'workspace.backHome': ['Go to my workspaces', '返回我的工作区'],

  'nav.overview': ['Overview', '概览'],
  'nav.staff': ['Staff', '成员与角色'],
  'nav.api-keys': ['API keys', 'API 密钥'],
  'nav.webhooks': ['Webhooks', 'Webhooks'],
  'nav.audit-log': ['Audit log', '审计日志'],
  'nav.mail-outbox': ['Mail outbox', '邮件发件箱'],
  'nav.plan': ['Plan settings', '套餐设置'],

  'role.owner': ['Owner', '所有者'],
  'role.admin': ['Admin', '管理员'],
  'role.moderator': ['Moderator', '审核员'],
  'role.analyst': ['Analyst', '分析师'],

  'plan.free': ['Free', '免费版'],
  'plan.pro': ['Pro', '专业版'],
  'plan.enterprise': ['Enterprise', '企业版'],
  'plan.plan': ['Plan', '套餐'],
  'plan.planHint': ["Choosing a plan fills in that plan's limits; you can still adjust each one.", '选择套餐会填入该套餐的默认限制，之后仍可逐项调整。'],
  'plan.planDefault': ['Plan default: {value}', '套餐默认：{value}'],
  'plan.maxCodeValidityHours': ['Longest code validity (hours)', '二维码最长有效期（小时）'],
  'plan.scansPerCodePerDay': ['Scans per code per day', '每个二维码每日扫码上限'],
  'plan.memberCapPerGroup': ['Member cap per group', '每个群成员上限'],
  'plan.inviteCodesPerOwnerPerDay': ['Invite codes per owner per day', '每人每日邀请码数量'],
  'plan.apiAccess': ['API access', 'API 访问'],
  'plan.unlimited': ['Unlimited', '不限'],
  'plan.permanent': ['Permanent', '永久有效'],
  'plan.ownerOnly': ['Only owners can change the plan and limits.', '只有所有者可以修改套餐和限制。'],
  'plan.saved': ['Plan settings saved', '套餐设置已保存'],

  'overview.yourRole': ['Your role', '你的角色'],
  'overview.activityTitle': ['Changes per day, last 14 days', '近 14 天每日变更'],
  'overview.activityTotal': ['{count} changes in the last 14 days', '近 14 天共 {count} 条变更'],
  'overview.activityTruncated': ['Latest {count} changes (older days may be incomplete)', '最近 {count} 条变更（较早日期可能不完整）'],
  'overview.activityForbidden': ['Your role cannot read the audit log, so there is no activity chart.', '你的角色无权查看审计日志，因此无法显示活动图表。'],
  'overview.changes': ['Changes', '变更数'],

  'staff.members': ['Staff', '成员'],
  'staff.person': ['Person', '成员'],
  'staff.role': ['Role', '角色'],
  'staff.joined': ['Joined', '加入时间'],
  'staff.roleChanged': ['Role changed', '角色已更新'],
  'staff.removed': ['Removed from the workspace', '已从工作区移除'],
  'staff.removeConfirm': ['Remove {name} from this workspace?', '确定将 {name} 移出该工作区？'],
  'staff.invitations': ['Invitations', '邀请'],
  'staff.invite': ['Invite', '邀请成员'],
  'staff.sendInvitation': ['Create invitation', '创建邀请'],
  'staff.expires': ['Expires', '过期时间'],
  'staff.invitationCreated': ['Invitation created', '邀请已创建'],
  'staff.acceptUrlOnce': ['Send this link to the person you invited. It is shown only once.', '请把此链接发给受邀人。链接只显示这一次。'],
  'staff.invitationRevoked': ['Invitation revoked', '邀请已撤销'],
  'staff.revokeInvitationConfirm': ['Revoke the invitation for {email}?', '确定撤销对 {email} 的邀请？'],
  'invitation.pending': ['Pending', '待接受'],
  'invitation.accepted': ['Accepted', '已接受'],
  'invitation.revoked': ['Revoked', '已撤销'],
  'invitation.expired': ['Expired', '已过期'],

  'invite.title': ['Join {workspace}', '加入 {workspace}'],
  'invite.accountExists': ['You already have an account with this email; accepting adds this workspace to it.', '该邮箱已有账号，接受后此工作区将加入你的账号。'],
  'invite.displayName': ['Your name', '你的名字'],
  'invite.choosePassword': ['Choose a password', '设置密码'],
  'invite.accept': ['Accept invitation', '接受邀请'],
  'invite.unusable': ['This invitation can no longer be used', '此邀请已无法使用'],

  'secret.copy': ['Copy', '复制'],
  'secret.copied': ['Copied', '已复制'],
  'secret.copyFailed': ['Could not copy; select the text and copy it by hand.', '复制失败，请手动选中并复制。'],
  'secret.done': ['I have saved it', '我已保存'],

  'apiKeys.create': ['Create API key', '创建 API 密钥'],
  'apiKeys.prefix': ['Prefix', '前缀'],
  'apiKeys.scopes': ['Scopes', '权限范围'],
  'apiKeys.ipAllowList': ['IP allow-list', 'IP 白名单'],
  'apiKeys.ipAllowListHelp': ['One address or CIDR range per line. Leave empty to allow any address.', '每行一个地址或 CIDR 网段，留空表示不限制。'],
  'apiKeys.anyAddress': ['Any address', '不限'],
  'apiKeys.lastUsed': ['Last used', '最近使用'],
  'apiKeys.neverUsed': ['Never', '从未使用'],
  'apiKeys.active': ['Active', '有效'],
  'apiKeys.revokedAt': ['Revoked {time}', '已于 {time} 撤销'],
  'apiKeys.revoked': ['API key revoked', 'API 密钥已撤销'],
  'apiKeys.revokeConfirm': ['Revoke "{name}"? Integrations using it stop working at once.', '确定撤销"{name}"？使用它的集成将立即失效。'],
  'apiKeys.secretTitle': ['API key created', 'API 密钥已创建'],
  'apiKeys.secretOnce': ['Copy the secret now. It is shown only once and cannot be recovered.', '请立即复制密钥。它只显示这一次，之后无法找回。'],

  'webhooks.create': ['Add endpoint', '添加端点'],
  'webhooks.edit': ['Edit endpoint', '编辑端点'],
  'webhooks.endpoint': ['Endpoint', '端点'],
  'webhooks.url': ['URL', 'URL'],
  'webhooks.eventTypes': ['Event types', '事件类型'],
  'webhooks.allEventTypes': ['All event types', '全部事件'],
  'webhooks.allEvents': ['Every event type, including ones added later', '全部事件类型，包括以后新增的'],
  'webhooks.deliveries': ['Deliveries', '投递记录'],
  'webhooks.statusActive': ['Active', '启用'],
  'webhooks.statusDisabled': ['Disabled', '停用'],
  'webhooks.disabledAt': ['Disabled {time}', '于 {time} 停用'],
  'webhooks.failingSince': ['Failing since {time}', '自 {time} 起投递失败'],
  'webhooks.enable': ['Enable', '启用'],
  'webhooks.disable': ['Disable', '停用'],
  'webhooks.enabled': ['Endpoint enabled', '端点已启用'],
  'webhooks.disabled': ['Endpoint disabled', '端点已停用'],
  'webhooks.sendTest': ['Send test event', '发送测试事件'],
  'webhooks.testQueued': ['Test event queued', '测试事件已加入队列'],
  'webhooks.rotate': ['Rotate secret', '轮换密钥'],
  'webhooks.rotateConfirm': ['Rotate the signing secret?', '确定轮换签名密钥？'],
  'webhooks.rotateHint': ['Deliveries are signed with the new secret from now on; update your receiver.', '此后的投递将使用新密钥签名，请同步更新接收端。'],
  'webhooks.rotated': ['Secret rotated', '密钥已轮换'],
  'webhooks.deleteConfirm': ['Delete the endpoint {url}?', '确定删除端点 {url}？'],
  'webhooks.deleted': ['Endpoint deleted', '端点已删除'],
  'webhooks.saved': ['Endpoint saved', '端点已保存'],
  'webhooks.secretTitle': ['Signing secret', '签名密钥'],
  'webhooks.secretOnce': ['Copy the signing secret now. It is shown only once.', '请立即复制签名密钥，它只显示这一次。'],

  'deliveries.title': ['Delivery log', '投递记录'],
  'deliveries.pending': ['Pending', '等待中'],
  'deliveries.succeeded': ['Succeeded', '成功'],
  'deliveries.failed': ['Failed', '失败'],
  'deliveries.eventType': ['Event type', '事件类型'],
  'deliveries.eventId': ['Event ID', '事件 ID'],
  'deliveries.attempts': ['Attempts', '尝试次数'],
  'deliveries.lastResult': ['Last result', '最近结果'],
  'deliveries.nextAttempt': ['Next attempt', '下次尝试'],
  'deliveries.replay': ['Replay', '重新投递'],
  'deliveries.replayQueued': ['Delivery queued again', '已重新加入投递队列'],
  'deliveries.detailTitle': ['Delivery attempts', '投递尝试'],
  'deliveries.attemptedAt': ['Attempted', '尝试时间'],
  'deliveries.statusCode': ['HTTP status', 'HTTP 状态码'],
  'deliveries.duration': ['Duration', '耗时'],
  'deliveries.response': ['Response or error', '响应或错误'],

  'audit.time': ['Time', '时间'],
  'audit.actor': ['Actor', '操作者'],
  'audit.actorStaff': ['Staff', '成员'],
  'audit.actorApiKey': ['API keys', 'API 密钥'],
  'audit.actorType.staff': ['Staff', '成员'],
  'audit.actorType.api_key': ['API key', 'API 密钥'],
  'audit.actorType.system': ['System', '系统'],
  'audit.action': ['Action', '操作'],
  'audit.target': ['Target', '对象'],
  'audit.targetType': ['Target type', '对象类型'],
  'audit.ip': ['IP', 'IP'],
  'audit.requestId': ['Request ID', '请求 ID'],

  'mail.to': ['To', '收件人'],
  'mail.subject': ['Subject', '主题'],
  'mail.sentAt': ['Sent', '发送时间'],
  'mail.status.development': ['Not sent (development)', '未发送（开发模式）'],
  'mail.status.queued': ['Queued', '排队中'],
  'mail.status.sent': ['Sent', '已发送'],
  'mail.status.failed': ['Failed', '发送失败'],
  'mail.developmentTitle': ['SMTP_URL is not configured: mails are shown here instead of sent', '未配置 SMTP_URL：邮件不会发出，而是显示在这里'],
  'mail.developmentHint': [
    'Nobody receives these mails. Forward an invitation link by hand, or set SMTP_URL and restart joincode to send mail.',
    '收件人不会收到这些邮件。你可以手动转发邀请链接，或设置 SMTP_URL 并重启 joincode 以发送邮件。',
  ],
  'mail.error': ['Sending failed: {error}', '发送失败：{error}'],
} as const satisfies Record<string, readonly [en: string, zhCN: string]>;

export type MessageKey = keyof typeof messages;
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const column = lang === 'en' ? 0 : 1;
  return (key, vars) =>
    messages[key][column].replace(/\{(\w+)\}/g, (placeholder, name: string) => String(vars?.[name] ?? placeholder));
}

const STORAGE_KEY = 'joincode.console.lang';

/** The remembered choice, else the browser's language: any Chinese variant → zh-CN, else English. */
export function detectLang(): Lang {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh-CN') return stored;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function rememberLang(lang: Lang): void {
  localStorage.setItem(STORAGE_KEY, lang);
}

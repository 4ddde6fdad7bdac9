import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { PageErrorBoundary } from './components/PageErrorBoundary.tsx';
import { PageSpinner } from './components/PageSpinner.tsx';
import { RequireSession } from './layout/RequireSession.tsx';
import { WorkspaceLayout } from './layout/WorkspaceLayout.tsx';
import { Home } from './pages/Home.tsx';
import { SignIn } from './pages/SignIn.tsx';

const AcceptInvitation = lazy(() => import('./pages/AcceptInvitation.tsx'));
const Overview = lazy(() => import('./pages/Overview.tsx'));
const Staff = lazy(() => import('./pages/staff/StaffPage.tsx'));
const ApiKeys = lazy(() => import('./pages/api-keys/ApiKeysPage.tsx'));
const Webhooks = lazy(() => import('./pages/webhooks/WebhooksPage.tsx'));
const WebhookDeliveries = lazy(() => import('./pages/webhooks/DeliveriesPage.tsx'));
const AuditLog = lazy(() => import('./pages/AuditLog.tsx'));
const MailOutbox = lazy(() => import('./pages/mail/MailOutboxPage.tsx'));
const Groups = lazy(() => import('./pages/groups/GroupsPage.tsx'));
const Codes = lazy(() => import('./pages/codes/CodesPage.tsx'));
const CodeDetail = lazy(() => import('./pages/codes/CodeDetailPage.tsx'));
const LiveCodes = lazy(() => import('./pages/live-codes/LiveCodesPage.tsx'));
const LiveCodeDetail = lazy(() => import('./pages/live-codes/LiveCodeDetailPage.tsx'));
const PlanSettings = lazy(() => import('./pages/plan/PlanSettings.tsx'));
const Invites = lazy(() => import('./pages/invites/InvitesPage.tsx'));
const Campaigns = lazy(() => import('./pages/campaigns/CampaignsPage.tsx'));
const CampaignDetail = lazy(() => import('./pages/campaigns/CampaignDetailPage.tsx'));
const Referrals = lazy(() => import('./pages/referrals/ReferralsPage.tsx'));
const Rewards = lazy(() => import('./pages/rewards/RewardsPage.tsx'));
const Funnel = lazy(() => import('./pages/funnel/FunnelPage.tsx'));

export function AppRoutes() {
  return (
    <PageErrorBoundary>
      <Suspense fallback={<PageSpinner />}>
        <Routes>
          <Route path="/sign-in" element={<SignIn />} />
          <Route path="/invite/:token" element={<AcceptInvitation />} />
          <Route element={<RequireSession />}>
            <Route index element={<Home />} />
            <Route path="/w/:workspaceId" element={<WorkspaceLayout />}>
              <Route index element={<Navigate to="overview" replace />} />
              <Route path="overview" element={<Overview />} />
              <Route path="groups" element={<Groups />} />
              <Route path="codes" element={<Codes />} />
              <Route path="codes/:codeId" element={<CodeDetail />} />
              <Route path="live-codes" element={<LiveCodes />} />
              <Route path="live-codes/:liveCodeId" element={<LiveCodeDetail />} />
              <Route path="invites" element={<Invites />} />
              <Route path="campaigns" element={<Campaigns />} />
              <Route path="campaigns/:campaignId" element={<CampaignDetail />} />
              <Route path="referrals" element={<Referrals />} />
              <Route path="rewards" element={<Rewards />} />
              <Route path="funnel" element={<Funnel />} />
              <Route path="staff" element={<Staff />} />
              <Route path="api-keys" element={<ApiKeys />} />
              <Route path="webhooks" element={<Webhooks />} />
              <Route path="webhooks/:endpointId" element={<WebhookDeliveries />} />
              <Route path="audit-log" element={<AuditLog />} />
              <Route path="mail-outbox" element={<MailOutbox />} />
              <Route path="plan" element={<PlanSettings />} />
            </Route>
          </Route>
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </Suspense>
    </PageErrorBoundary>
  );
}

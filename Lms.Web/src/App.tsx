import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from './auth/AuthContext';
import { Loading } from './components/common';
import { SignInPage } from './pages/SignInPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { useHandOverOnNavigation } from './serverPage';
import './pages/moocs/moocs.css';

// The signed-in shell and the home page are not in the first script (the sign-in page does not use them);
// RequireSignIn starts their download while it asks who is signed in, so the home page waits for no extra round trip.
const loadShell = () => import('./components/Shell');
const loadHome = () => import('./pages/MyCoursesPage');
const Shell = lazy(() => loadShell().then((m) => ({ default: m.Shell })));
const MyCoursesPage = lazy(() => loadHome().then((m) => ({ default: m.MyCoursesPage })));

// Pages beyond the first screen load when first opened: less to download on a phone.
const CoursePage = lazy(() => import('./pages/CoursePage').then((m) => ({ default: m.CoursePage })));
const CreateCoursePage = lazy(() => import('./pages/CreateCoursePage').then((m) => ({ default: m.CreateCoursePage })));
const CourseEditorPage = lazy(() => import('./pages/editor/CourseEditorPage').then((m) => ({ default: m.CourseEditorPage })));
const InstitutionAdminPage = lazy(() => import('./pages/admin/InstitutionAdminPage').then((m) => ({ default: m.InstitutionAdminPage })));
const BankPage = lazy(() => import('./pages/assessment/BankPage').then((m) => ({ default: m.BankPage })));
const QuestionEditorPage = lazy(() => import('./pages/assessment/QuestionEditor').then((m) => ({ default: m.QuestionEditorPage })));
const QuizBuilderPage = lazy(() => import('./pages/assessment/QuizBuilderPage').then((m) => ({ default: m.QuizBuilderPage })));
const AttemptPage = lazy(() => import('./pages/assessment/AttemptPage').then((m) => ({ default: m.AttemptPage })));
const ReviewPage = lazy(() => import('./pages/assessment/ReviewPage').then((m) => ({ default: m.ReviewPage })));
const ResultsPage = lazy(() => import('./pages/assessment/ResultsPage').then((m) => ({ default: m.ResultsPage })));
const GradingPage = lazy(() => import('./pages/assessment/GradingPage').then((m) => ({ default: m.GradingPage })));
const GradebookPage = lazy(() => import('./pages/assessment/GradebookPage').then((m) => ({ default: m.GradebookPage })));
const ClassroomPage = lazy(() => import('./pages/classroom/ClassroomPage').then((m) => ({ default: m.ClassroomPage })));
const LibraryPage = lazy(() => import('./pages/content/LibraryPage').then((m) => ({ default: m.LibraryPage })));
const NewContentPage = lazy(() => import('./pages/content/NewContentPage').then((m) => ({ default: m.NewContentPage })));
const RecordPage = lazy(() => import('./pages/content/RecordPage').then((m) => ({ default: m.RecordPage })));
const ContentItemPage = lazy(() => import('./pages/content/ContentItemPage').then((m) => ({ default: m.ContentItemPage })));
const ConfirmEmailPage = lazy(() => import('./pages/identity/AccountPages').then((m) => ({ default: m.ConfirmEmailPage })));
const SetPasswordPage = lazy(() => import('./pages/identity/AccountPages').then((m) => ({ default: m.SetPasswordPage })));
const ForgotPasswordPage = lazy(() => import('./pages/identity/AccountPages').then((m) => ({ default: m.ForgotPasswordPage })));
const SetupPage = lazy(() => import('./pages/identity/SetupPage').then((m) => ({ default: m.SetupPage })));
const SessionsPage = lazy(() => import('./pages/identity/SessionsPage').then((m) => ({ default: m.SessionsPage })));
const ProviderPage = lazy(() => import('./pages/identity/Provider'));
const OutboxPage = lazy(() => import('./pages/identity/OutboxPage').then((m) => ({ default: m.OutboxPage })));
const TwoFactorPage = lazy(() => import('./pages/identity/TwoFactorPage').then((m) => ({ default: m.TwoFactorPage })));
const MyDataPage = lazy(() => import('./pages/privacy/MyDataPage').then((m) => ({ default: m.MyDataPage })));
const ChangePasswordPage = lazy(() => import('./pages/ChangePasswordPage').then((m) => ({ default: m.ChangePasswordPage })));
// MOOCs and credentials (public catalogue and verification; learners' progress, forum, transcript; teachers' and admins' pages).
const PublicShell = lazy(() => import('./pages/moocs/PublicShell').then((m) => ({ default: m.PublicShell })));
const CataloguePage = lazy(() => import('./pages/moocs/CataloguePage').then((m) => ({ default: m.CataloguePage })));
const CatalogueCoursePage = lazy(() => import('./pages/moocs/CatalogueCoursePage').then((m) => ({ default: m.CatalogueCoursePage })));
const MyLearningPage = lazy(() => import('./pages/moocs/LearningPages').then((m) => ({ default: m.MyLearningPage })));
const ProgressPage = lazy(() => import('./pages/moocs/LearningPages').then((m) => ({ default: m.ProgressPage })));
const ForumPage = lazy(() => import('./pages/moocs/ForumPages').then((m) => ({ default: m.ForumPage })));
const ThreadPage = lazy(() => import('./pages/moocs/ForumPages').then((m) => ({ default: m.ThreadPage })));
const MoocManagePage = lazy(() => import('./pages/moocs/MoocManagePage').then((m) => ({ default: m.MoocManagePage })));
const VerifyPage = lazy(() => import('./pages/credentials/CredentialPages').then((m) => ({ default: m.VerifyPage })));
const TranscriptPage = lazy(() => import('./pages/credentials/CredentialPages').then((m) => ({ default: m.TranscriptPage })));
const RecognitionInboxPage = lazy(() => import('./pages/credentials/CredentialPages').then((m) => ({ default: m.RecognitionInboxPage })));
// The school year: the day's periods, the roll, a child's year, leave requests, the admin's year and timetable.
const TodayPage = lazy(() => import('./pages/schoolyear/TodayPage').then((m) => ({ default: m.TodayPage })));
const RollPage = lazy(() => import('./pages/schoolyear/RollPage').then((m) => ({ default: m.RollPage })));
const ChildPage = lazy(() => import('./pages/schoolyear/ChildPage').then((m) => ({ default: m.ChildPage })));
const LeaveRequestsPage = lazy(() => import('./pages/schoolyear/LeaveRequestsPage').then((m) => ({ default: m.LeaveRequestsPage })));
const ConductPage = lazy(() => import('./pages/schoolyear/ConductPage').then((m) => ({ default: m.ConductPage })));
const MarkBookPage = lazy(() => import('./pages/schoolyear/MarkBookPage').then((m) => ({ default: m.MarkBookPage })));
const SchoolYearAdminPage = lazy(() => import('./pages/schoolyear/SchoolYearAdminPage').then((m) => ({ default: m.SchoolYearAdminPage })));
const ReportCardPage = lazy(() => import('./pages/schoolyear/ReportCardPage').then((m) => ({ default: m.ReportCardPage })));
// The contact book: threads between teachers and parents, announcements with read receipts, notification settings.
const ContactBookPage = lazy(() => import('./pages/schoolyear/ContactBookPage').then((m) => ({ default: m.ContactBookPage })));
const ContactThreadPage = lazy(() => import('./pages/schoolyear/ContactThreadPage').then((m) => ({ default: m.ContactThreadPage })));
const ContactAnnouncementPage = lazy(() => import('./pages/schoolyear/ContactAnnouncementPage').then((m) => ({ default: m.ContactAnnouncementPage })));
const ContactSettingsPage = lazy(() => import('./pages/schoolyear/ContactSettingsPage').then((m) => ({ default: m.ContactSettingsPage })));
const RecognitionPage = lazy(() => import('./pages/credentials/CredentialPages').then((m) => ({ default: m.RecognitionPage })));

function RequireSignIn({ children }: { children: ReactNode }) {
  const { me, loading, signedOut } = useAuth();
  const location = useLocation();
  const home = location.pathname === '/';
  useEffect(() => {
    if (signedOut) return;
    void loadShell();
    if (home) void loadHome();
  }, [signedOut, home]);
  if (loading) return <div className="page"><Loading /></div>;
  if (!me) {
    const here = location.pathname + location.search;
    return <Navigate to={here === '/' || signedOut ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`} replace />;
  }
  // An admin whose institution requires two-step sign-in sets it up before anything else (the server refuses the rest).
  if (me.twoFactor?.mustEnrol && location.pathname !== '/account/two-factor') return <Navigate to="/account/two-factor" replace />;
  return <>{children}</>;
}

export function App() {
  useHandOverOnNavigation();
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/confirm-email" element={<Suspense fallback={<Loading />}><ConfirmEmailPage /></Suspense>} />
      <Route path="/set-password" element={<Suspense fallback={<Loading />}><SetPasswordPage /></Suspense>} />
      <Route path="/setup" element={<Suspense fallback={<Loading />}><SetupPage /></Suspense>} />
      <Route path="/forgot-password" element={<Suspense fallback={<Loading />}><ForgotPasswordPage /></Suspense>} />
      <Route element={<Suspense fallback={<div className="page"><Loading /></div>}><PublicShell /></Suspense>}>
        <Route path="catalogue" element={<CataloguePage />} />
        <Route path="catalogue/:slug" element={<CatalogueCoursePage />} />
        <Route path="verify/:credentialId" element={<VerifyPage />} />
        <Route path="report-cards/verify/:token" element={<ReportCardPage />} />
      </Route>
      <Route element={<RequireSignIn><Suspense fallback={<div className="page"><Loading /></div>}><Shell /></Suspense></RequireSignIn>}>
        <Route index element={<MyCoursesPage />} />
        <Route path="courses/new" element={<CreateCoursePage />} />
        <Route path="courses/:courseId" element={<CoursePage />} />
        <Route path="courses/:courseId/items/:itemId" element={<CoursePage />} />
        <Route path="courses/:courseId/edit" element={<CourseEditorPage />} />
        <Route path="institutions/:institutionId" element={<InstitutionAdminPage />} />
        <Route path="library" element={<LibraryPage />} />
        <Route path="library/new" element={<NewContentPage />} />
        <Route path="library/record" element={<RecordPage />} />
        <Route path="library/:itemId" element={<ContentItemPage />} />
        <Route path="account/password" element={<ChangePasswordPage />} />
        <Route path="admin/outbox" element={<OutboxPage />} />
        <Route path="admin/idp" element={<ProviderPage admin />} />
        <Route path="account/apps" element={<ProviderPage />} />
        <Route path="account/sessions" element={<SessionsPage />} />
        <Route path="account/two-factor" element={<TwoFactorPage />} />
        <Route path="account/privacy" element={<MyDataPage />} />
        <Route path="learning" element={<MyLearningPage />} />
        <Route path="courses/:courseId/progress" element={<ProgressPage />} />
        <Route path="courses/:courseId/forum" element={<ForumPage />} />
        <Route path="courses/:courseId/forum/:threadId" element={<ThreadPage />} />
        <Route path="moocs/:moocId/manage" element={<MoocManagePage />} />
        <Route path="credentials" element={<TranscriptPage />} />
        <Route path="institutions/:institutionId/recognition" element={<RecognitionInboxPage />} />
        <Route path="recognition/:shareId" element={<RecognitionPage />} />
        <Route path="institutions/:institutionId/bank" element={<BankPage />} />
        <Route path="institutions/:institutionId/bank/new" element={<QuestionEditorPage />} />
        <Route path="questions/:questionId/edit" element={<QuestionEditorPage />} />
        <Route path="quizzes/:quizId/edit" element={<QuizBuilderPage />} />
        <Route path="quizzes/:quizId/results" element={<ResultsPage />} />
        <Route path="attempts/:attemptId" element={<AttemptPage />} />
        <Route path="attempts/:attemptId/review" element={<ReviewPage />} />
        <Route path="courses/:courseId/grading" element={<GradingPage />} />
        <Route path="courses/:courseId/gradebook" element={<GradebookPage />} />
        <Route path="live/:sessionId" element={<ClassroomPage />} />
        <Route path="school-year" element={<TodayPage />} />
        <Route path="school-year/roll/:slotId/:day" element={<RollPage />} />
        <Route path="school-year/children/:studentId" element={<ChildPage />} />
        <Route path="school-year/classes/:yearId/:classId/leave" element={<LeaveRequestsPage />} />
        <Route path="school-year/marks/:yearId/:classId/:subjectId/:termId" element={<MarkBookPage />} />
        <Route path="school-year/conduct/:yearId/:classId" element={<ConductPage />} />
        <Route path="school-year/report-cards/:yearId/:classId?" element={<ReportCardPage />} />
        <Route path="institutions/:institutionId/school-year" element={<SchoolYearAdminPage />} />
        <Route path="contact-book" element={<ContactBookPage />} />
        <Route path="contact-book/conversations/:conversationId" element={<ContactThreadPage />} />
        <Route path="contact-book/announcements/:announcementId" element={<ContactAnnouncementPage />} />
        <Route path="contact-book/settings" element={<ContactSettingsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

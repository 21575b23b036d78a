import { lazy, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from './auth/AuthContext';
import { Shell } from './components/Shell';
import { Loading } from './components/common';
import { SignInPage } from './pages/SignInPage';
import { MyCoursesPage } from './pages/MyCoursesPage';
import { NotFoundPage } from './pages/NotFoundPage';

// Pages beyond the first screen load when first opened: less to download on a phone.
const CoursePage = lazy(() => import('./pages/CoursePage').then((m) => ({ default: m.CoursePage })));
const CreateCoursePage = lazy(() => import('./pages/CreateCoursePage').then((m) => ({ default: m.CreateCoursePage })));
const CourseEditorPage = lazy(() => import('./pages/editor/CourseEditorPage').then((m) => ({ default: m.CourseEditorPage })));
const InstitutionAdminPage = lazy(() => import('./pages/admin/InstitutionAdminPage').then((m) => ({ default: m.InstitutionAdminPage })));
const ChangePasswordPage = lazy(() => import('./pages/ChangePasswordPage').then((m) => ({ default: m.ChangePasswordPage })));

function RequireSignIn({ children }: { children: ReactNode }) {
  const { me, loading, signedOut } = useAuth();
  const location = useLocation();
  if (loading) return <div className="page"><Loading /></div>;
  if (!me) {
    const here = location.pathname + location.search;
    return <Navigate to={here === '/' || signedOut ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`} replace />;
  }
  return <>{children}</>;
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route element={<RequireSignIn><Shell /></RequireSignIn>}>
        <Route index element={<MyCoursesPage />} />
        <Route path="courses/new" element={<CreateCoursePage />} />
        <Route path="courses/:courseId" element={<CoursePage />} />
        <Route path="courses/:courseId/items/:itemId" element={<CoursePage />} />
        <Route path="courses/:courseId/edit" element={<CourseEditorPage />} />
        <Route path="institutions/:institutionId" element={<InstitutionAdminPage />} />
        <Route path="account/password" element={<ChangePasswordPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

import { useParams } from 'react-router-dom';
import { ReportCardClassPage } from './ReportCardClassPage';
import { ReportCardSchoolPage } from './ReportCardSchoolPage';
import { ReportCardVerifyPage } from './ReportCardVerifyPage';

/**
 * The report cards' pages behind one lazy route of App.tsx (the signed-in shell's size budget has no room for three):
 * the public check by token, a class's cards, or the principal's list of classes.
 */
export function ReportCardPage() {
  const { token, classId } = useParams();
  if (token) return <ReportCardVerifyPage />;
  return classId ? <ReportCardClassPage /> : <ReportCardSchoolPage />;
}

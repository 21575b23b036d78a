import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useTitle } from '../components/common';

export function NotFoundPage() {
  const { t } = useTranslation();
  useTitle(t('notFound.title'));
  return (
    <div className="page narrow">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
      <Link className="btn" to="/">{t('shell.myCourses')}</Link>
    </div>
  );
}

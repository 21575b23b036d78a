import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { peopleApi, type ClassItem } from '../../api/people';
import { Badge, ConfirmButton, ErrorMessage, Field, Loading } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { errorText } from '../../errors';

/** An institution's classes in natural order: create, rename, archive or restore, and open a class's people. */
export function ClassesPage({ institutionId, onOpen }: { institutionId: string; onOpen: (classId: string) => void }) {
  const { t } = useTranslation();
  const [showArchived, setShowArchived] = useState(false);
  const classes = useLoad(() => peopleApi.classes(institutionId, showArchived), [institutionId, showArchived]);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);

  async function act(work: () => Promise<unknown>) {
    setError(null);
    try {
      await work();
      await classes.reload();
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  }

  async function create(event: FormEvent) {
    event.preventDefault();
    if (name.trim() && await act(() => peopleApi.createClass(institutionId, name))) setName('');
  }

  return (
    <section aria-labelledby="classes-title" data-testid="classes-page">
      <h2 id="classes-title" className="visually-hidden">{t('classAdmin.title')}</h2>
      <form className="card form row" onSubmit={create} data-testid="class-create">
        <Field label={t('classAdmin.newClass')}>
          {(props) => <input {...props} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <button type="submit" className="btn btn-primary" disabled={!name.trim()}>{t('classAdmin.create')}</button>
      </form>
      <label className="check">
        <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />
        {' '}{t('classAdmin.showArchived')}
      </label>
      {showArchived && <p className="muted small">{t('classAdmin.archivedHint')}</p>}
      {error != null && <p className="field-error" role="alert" data-testid="class-error">{errorText(t, error)}</p>}
      <ErrorMessage error={classes.error} onRetry={() => void classes.reload()} />
      {classes.loading && !classes.data && <Loading />}
      {classes.data && classes.data.length === 0 && <p className="empty">{t('classAdmin.none')}</p>}
      {classes.data && classes.data.length > 0 && (
        <ul className="class-grid" data-testid="class-list">
          {classes.data.map((c) => (
            <ClassCard key={c.id} item={c} onOpen={() => onOpen(c.id)}
                       onRename={(next) => act(() => peopleApi.renameClass(institutionId, c.id, next))}
                       onArchive={(archived) => act(() => peopleApi.setArchived(institutionId, c.id, archived))} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ClassCard({ item, onOpen, onRename, onArchive }: {
  item: ClassItem; onOpen: () => void; onRename: (name: string) => Promise<boolean>; onArchive: (archived: boolean) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(item.name);

  async function rename(event: FormEvent) {
    event.preventDefault();
    if (name.trim() && name !== item.name && await onRename(name)) setRenaming(false);
  }

  return (
    <li className="card class-card" data-testid="class-card">
      {renaming ? (
        <form className="form" onSubmit={rename}>
          <Field label={t('classAdmin.renameOf', { name: item.name })}>
            {(props) => <input {...props} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} autoFocus />}
          </Field>
          <button type="submit" className="btn btn-small btn-primary">{t('common.save')}</button>{' '}
          <button type="button" className="btn btn-small" onClick={() => { setRenaming(false); setName(item.name); }}>{t('common.cancel')}</button>
        </form>
      ) : (
        <h3>{item.name} {item.archivedAt && <Badge tone="draft">{t('classAdmin.archived')}</Badge>}</h3>
      )}
      <p className="muted">{t('classAdmin.students', { count: item.students })} · {t('classAdmin.courses', { count: item.courses })}</p>
      <div className="class-actions">
        <button type="button" className="btn btn-small" onClick={onOpen} aria-label={t('classAdmin.showPeopleOf', { name: item.name })}>
          {t('classAdmin.showPeople')}
        </button>
        {!renaming && (
          <button type="button" className="btn btn-small" onClick={() => setRenaming(true)} aria-label={t('classAdmin.renameOf', { name: item.name })}>
            {t('classAdmin.rename')}
          </button>
        )}
        {item.archivedAt
          ? <button type="button" className="btn btn-small" onClick={() => void onArchive(false)}>{t('classAdmin.restore')}</button>
          : <ConfirmButton label={t('classAdmin.archive')} confirmLabel={t('classAdmin.archiveConfirm')} onConfirm={() => onArchive(true)} />}
      </div>
    </li>
  );
}

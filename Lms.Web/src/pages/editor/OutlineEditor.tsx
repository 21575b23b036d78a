import { Suspense, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Course, type Item, type ItemKind, type Module } from '../../api/lms';
import { fieldErrorText } from '../../errors';
import { Markdown } from '../../components/Markdown';
import { ItemIcon, itemKind, itemKinds } from '../../components/itemKinds';
import { ConfirmButton, ErrorMessage, Field, Loading } from '../../components/common';

type Open =
  | { type: 'renameModule'; moduleId: string }
  | { type: 'addItem'; moduleId: string }
  | { type: 'editItem'; itemId: string }
  | null;

function move<T>(list: T[], index: number, delta: number): T[] {
  const copy = [...list];
  const [moved] = copy.splice(index, 1);
  copy.splice(index + delta, 0, moved);
  return copy;
}

/** Modules and their items: add, rename, edit, delete, move up and down. One form is open at a time. */
export function OutlineEditor({ course, onChanged }: { course: Course; onChanged: () => Promise<void> }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Open>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [newModule, setNewModule] = useState('');

  /** Runs a change, then reloads the outline; returns whether it worked. */
  async function change(action: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await action();
      await onChanged();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function addModule(event: FormEvent) {
    event.preventDefault();
    const title = newModule.trim();
    if (!title) return;
    if (await change(() => api.addModule(course.id, title))) setNewModule('');
  }

  return (
    <div className="outline-editor">
      {/* With a form open, the form shows the error beside its fields. */}
      {open === null && <ErrorMessage error={error} context="outline" />}
      {course.modules.length === 0 && <p className="empty">{t('editor.noModules')}</p>}

      <ol className="editor-modules">
        {course.modules.map((module, m) => (
          <li key={module.id}>
            <ModuleEditor
              course={course}
              module={module}
              number={m + 1}
              first={m === 0}
              last={m === course.modules.length - 1}
              open={open}
              setOpen={(o) => { setError(null); setOpen(o); }}
              busy={busy}
              error={error}
              change={change}
              onMove={(delta) => change(() => api.reorderModules(
                course.id, move(course.modules, m, delta).map((x) => x.id)))}
            />
          </li>
        ))}
      </ol>

      <form className="card form add-module" onSubmit={addModule}>
        <Field label={t('editor.newModuleTitle')} hint={t('editor.newModuleHint')}>
          {(props) => (
            <input {...props} maxLength={200} value={newModule} onChange={(e) => setNewModule(e.target.value)} />
          )}
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy || !newModule.trim()}>
          {t('editor.addModule')}
        </button>
      </form>
    </div>
  );
}

function ModuleEditor({ course, module, number, first, last, open, setOpen, busy, error, change, onMove }: {
  course: Course; module: Module; number: number; first: boolean; last: boolean;
  open: Open; setOpen: (open: Open) => void; busy: boolean; error: unknown;
  change: (action: () => Promise<unknown>) => Promise<boolean>; onMove: (delta: number) => void;
}) {
  const { t } = useTranslation();
  const [title, setTitle] = useState(module.title);
  const renaming = open?.type === 'renameModule' && open.moduleId === module.id;
  const adding = open?.type === 'addItem' && open.moduleId === module.id;
  const headingId = `module-title-${module.id}`;

  async function rename(event: FormEvent) {
    event.preventDefault();
    if (await change(() => api.renameModule(course.id, module.id, title.trim()))) setOpen(null);
  }

  return (
    <section className="card editor-module" aria-labelledby={headingId} data-testid="editor-module">
      <div className="editor-module-head">
        <p className="module-number">{t('course.moduleNumber', { n: number })}</p>
        {renaming ? (
          <form className="inline-form" onSubmit={rename} noValidate>
            <ErrorMessage error={error} context="outline" />
            <Field label={t('editor.moduleTitle')}>
              {(props) => (
                <input {...props} autoFocus maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
              )}
            </Field>
            <div className="actions">
              <button type="submit" className="btn btn-primary btn-small" disabled={busy || !title.trim()}>{t('common.save')}</button>
              <button type="button" className="btn btn-small" onClick={() => setOpen(null)}>{t('common.cancel')}</button>
            </div>
          </form>
        ) : (
          <h3 id={headingId}>{module.title}</h3>
        )}
        {!renaming && (
          <div className="toolbar" role="group" aria-label={t('editor.moduleActions')}>
            <button type="button" className="btn btn-small" disabled={busy}
                    onClick={() => { setTitle(module.title); setOpen({ type: 'renameModule', moduleId: module.id }); }}>
              {t('editor.rename')}
            </button>
            <button type="button" className="btn btn-small btn-icon" disabled={busy || first} onClick={() => onMove(-1)}
                    aria-label={t('editor.moveModuleUp')} title={t('editor.moveModuleUp')}>↑</button>
            <button type="button" className="btn btn-small btn-icon" disabled={busy || last} onClick={() => onMove(1)}
                    aria-label={t('editor.moveModuleDown')} title={t('editor.moveModuleDown')}>↓</button>
            <ConfirmButton label={t('editor.deleteModule')} confirmLabel={t('editor.confirmDeleteModule')} disabled={busy}
                           onConfirm={() => void change(() => api.deleteModule(course.id, module.id))} />
          </div>
        )}
      </div>

      {module.items.length === 0 && !adding && <p className="muted small">{t('course.emptyModule')}</p>}
      <ol className="editor-items">
        {module.items.map((item, i) => (
          <ItemRow
            key={item.id}
            course={course}
            module={module}
            item={item}
            index={i}
            open={open}
            setOpen={setOpen}
            busy={busy}
            error={error}
            change={change}
          />
        ))}
      </ol>

      {adding ? (
        <ItemForm
          mode="add"
          busy={busy}
          error={error}
          onCancel={() => setOpen(null)}
          onSubmit={async (kind, fields) => {
            if (await change(() => api.addItem(course.id, module.id, kind, fields))) setOpen(null);
          }}
          createFeatureItem={(kind) => {
            const { Create } = itemKind(kind);
            return Create ? (
              <Suspense fallback={<Loading />}>
                <Create course={course} module={module} onCancel={() => setOpen(null)}
                        onDone={() => void change(async () => setOpen(null))} />
              </Suspense>
            ) : null;
          }}
        />
      ) : (
        <button type="button" className="btn btn-small add-item" disabled={busy}
                onClick={() => setOpen({ type: 'addItem', moduleId: module.id })}>
          <span aria-hidden="true">+</span> {t('editor.addItem')}
        </button>
      )}
    </section>
  );
}

function ItemRow({ course, module, item, index, open, setOpen, busy, error, change }: {
  course: Course; module: Module; item: Item; index: number; open: Open; setOpen: (open: Open) => void;
  busy: boolean; error: unknown; change: (action: () => Promise<unknown>) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const editing = open?.type === 'editItem' && open.itemId === item.id;
  const reorder = (delta: number) =>
    change(() => api.reorderItems(course.id, module.id, move(module.items, index, delta).map((x) => x.id)));

  if (editing) {
    return (
      <li className="editor-item editing" data-testid="editor-item">
        <ItemForm
          mode="edit"
          item={item}
          busy={busy}
          error={error}
          onCancel={() => setOpen(null)}
          onSubmit={async (_kind, fields, dueAt) => {
            if (await change(async () => {
              await api.updateItem(course.id, item.id, fields);
              if (dueAt !== undefined && dueAt !== (item.dueAt ?? null)) await api.setItemDue(course.id, item.id, dueAt);
            })) setOpen(null);
          }}
        />
      </li>
    );
  }
  return (
    <li className="editor-item" data-testid="editor-item">
      <div className="editor-item-title">
        <ItemIcon item={item} named={false} />
        <span>
          <span className="item-name">{item.title}</span>
          <span className="muted small block">{t(`itemKind.${item.kind}`)}{item.url ? ` · ${item.url}` : ''}</span>
        </span>
      </div>
      <div className="toolbar" role="group" aria-label={t('editor.itemActions', { title: item.title })}>
        <button type="button" className="btn btn-small" disabled={busy}
                onClick={() => setOpen({ type: 'editItem', itemId: item.id })}>{t('common.edit')}</button>
        <button type="button" className="btn btn-small btn-icon" disabled={busy || index === 0} onClick={() => void reorder(-1)}
                aria-label={t('editor.moveUp')} title={t('editor.moveUp')}>↑</button>
        <button type="button" className="btn btn-small btn-icon" disabled={busy || index === module.items.length - 1}
                onClick={() => void reorder(1)} aria-label={t('editor.moveDown')} title={t('editor.moveDown')}>↓</button>
        <ConfirmButton label={t('common.delete')} confirmLabel={t('editor.confirmDeleteItem')} disabled={busy}
                       onConfirm={() => void change(() => api.deleteItem(course.id, item.id))} />
      </div>
    </li>
  );
}

/** An ISO time as a datetime-local input shows it: the viewer's own zone, to the minute. */
function localDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function ItemForm({ mode, item, busy, error, onSubmit, onCancel, createFeatureItem }: {
  mode: 'add' | 'edit'; item?: Item; busy: boolean; error: unknown;
  /** dueAt: in edit mode, the item's due date (null: none); undefined when adding. */
  onSubmit: (kind: ItemKind, fields: { title: string; body: string | null; url: string | null }, dueAt?: string | null) => void;
  onCancel: () => void;
  /** For kinds a feature creates with its own form (see components/itemKinds.tsx). */
  createFeatureItem?: (kind: ItemKind) => ReactNode;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<ItemKind>(item?.kind ?? 'page');
  const [title, setTitle] = useState(item?.title ?? '');
  const [body, setBody] = useState(item?.body ?? '');
  const [url, setUrl] = useState(item?.url ?? '');
  const [due, setDue] = useState(localDateTime(item?.dueAt));
  const [preview, setPreview] = useState(false);

  const fieldErrors = {
    title: fieldErrorText(t, error, 'title'),
    url: fieldErrorText(t, error, 'url'),
    body: fieldErrorText(t, error, 'body'),
  };
  const shownByField = Object.values(fieldErrors).some(Boolean);

  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit(kind, {
      title: title.trim(),
      body: body.trim() ? body : null,
      url: kind === 'link' ? url.trim() : null,
    }, mode === 'edit' ? (due ? new Date(due).toISOString() : null) : undefined);
  }

  const kindChoice = (
    <fieldset className="field choice choice-inline">
      <legend>{t('editor.itemKind')}</legend>
      {Object.keys(itemKinds).map((k) => (
        <label key={k} className="choice-option">
          <input type="radio" name="item-kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
          <span>{t(`itemKind.${k}`)}</span>
        </label>
      ))}
    </fieldset>
  );
  const feature = mode === 'add' ? createFeatureItem?.(kind) : null;
  if (feature) {
    return (
      <div className="item-form" data-testid="item-form">
        <h4>{t('editor.newItem')}</h4>
        {kindChoice}
        {feature}
      </div>
    );
  }

  return (
    <form className="item-form" onSubmit={submit} noValidate data-testid="item-form"
          aria-label={mode === 'add' ? t('editor.newItem') : t('editor.editItem')}>
      <h4>{mode === 'add' ? t('editor.newItem') : t('editor.editItem')}</h4>
      {!shownByField && <ErrorMessage error={error} context="outline" />}
      {mode === 'add' && kindChoice}
      <Field label={t('editor.itemTitle')} error={fieldErrors.title}>
        {(props) => (
          <input {...props} autoFocus required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        )}
      </Field>
      {kind === 'link' && (
        <Field label={t('editor.itemUrl')} hint={t('editor.itemUrlHint')} error={fieldErrors.url}>
          {(props) => (
            <input {...props} type="url" inputMode="url" required maxLength={2000} placeholder="https://"
                   value={url} onChange={(e) => setUrl(e.target.value)} />
          )}
        </Field>
      )}
      <Field
        label={kind === 'page' ? t('editor.itemBody') : t('editor.itemNote')}
        hint={t('editor.markdownHint')}
        error={fieldErrors.body}
      >
        {(props) => (
          <textarea {...props} rows={kind === 'page' ? 10 : 3} required={kind === 'page'} value={body}
                    onChange={(e) => setBody(e.target.value)} />
        )}
      </Field>
      {mode === 'edit' && (
        <Field label={t('editor.itemDue')} hint={t('editor.itemDueHint')}>
          {(props) => <input {...props} type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} data-testid="item-due-input" />}
        </Field>
      )}
      {body.trim() && (
        <div className="preview">
          <button type="button" className="btn btn-small btn-quiet" aria-expanded={preview} onClick={() => setPreview((p) => !p)}>
            {preview ? t('editor.hidePreview') : t('editor.showPreview')}
          </button>
          {preview && <div className="preview-box"><Markdown source={body} /></div>}
        </div>
      )}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? t('common.saving') : mode === 'add' ? t('editor.saveItem') : t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, Field } from '../../components/common';
import { formatNumber } from '../../format';
import type { Page } from '../../api/lms';
import {
  rosterChangeKinds, rosterImports, type RosterChange, type RosterChangeKind, type RosterImportView,
} from './rosterImportApi';

const pageSize = 50;

/**
 * An update's preview: how many changes of each kind, and every change in a table the admin can filter by kind,
 * search and page through. Nothing has been written yet; "Apply" confirms exactly this preview (by its hash), and
 * the server refuses it when the people changed in between (the admin then uploads the file again).
 */
export function RosterUpdatePreview({ institutionId, view, onApplied }: {
  institutionId: string; view: RosterImportView; onApplied: (view: RosterImportView) => void;
}) {
  const { t, i18n } = useTranslation();
  const [kind, setKind] = useState<RosterChangeKind | ''>('');
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [skip, setSkip] = useState(0);
  const [page, setPage] = useState<Page<RosterChange> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [applying, setApplying] = useState(false);
  const counts = view.previewCounts!;
  const total = rosterChangeKinds.reduce((sum, k) => sum + (counts[k] ?? 0), 0);

  const load = useCallback(async () => {
    setError(null);
    try {
      setPage(await rosterImports.changes(institutionId, view.id, { kind: kind || undefined, q, skip, take: pageSize }));
    } catch (e) {
      setError(e);
    }
  }, [institutionId, view.id, kind, q, skip]);

  useEffect(() => { void load(); }, [load]);

  function search(event: FormEvent) {
    event.preventDefault();
    setSkip(0);
    setQ(text.trim());
  }

  async function apply() {
    setApplying(true);
    setError(null);
    try {
      onApplied(await rosterImports.confirm(institutionId, view.id, view.previewHash!));
    } catch (e) {
      setError(e);
    } finally {
      setApplying(false);
    }
  }

  const n = (value: number) => formatNumber(value, i18n.language);
  return (
    <div data-testid="roster-preview">
      <p role="status"><strong>{total === 0 ? t('rosterUpdate.nothingToChange') : t('rosterUpdate.previewReady', { count: total })}</strong></p>
      <dl className="counts">
        {rosterChangeKinds.map((k) => (
          <div key={k}><dt>{t(`rosterUpdate.kind.${k}`)}</dt><dd data-testid={`roster-preview-count-${k}`}>{n(counts[k] ?? 0)}</dd></div>
        ))}
      </dl>
      {total > 0 && (
        <>
          <form className="form filters" onSubmit={search} role="search">
            <div className="row">
              <Field label={t('rosterUpdate.filterKind')}>
                {(props) => (
                  <select {...props} value={kind} onChange={(e) => { setKind(e.target.value as RosterChangeKind | ''); setSkip(0); }}>
                    <option value="">{t('rosterUpdate.allKinds')}</option>
                    {rosterChangeKinds.filter((k) => counts[k] > 0).map((k) => <option key={k} value={k}>{t(`rosterUpdate.kind.${k}`)}</option>)}
                  </select>
                )}
              </Field>
              <Field label={t('rosterUpdate.search')}>
                {(props) => <input {...props} type="search" maxLength={100} value={text} onChange={(e) => setText(e.target.value)} />}
              </Field>
              <button type="submit" className="btn">{t('rosterUpdate.searchButton')}</button>
            </div>
          </form>
          {page && (
            <div className="table-wrap">
              <table className="stack-table" aria-label={t('rosterUpdate.tableTitle')}>
                <thead>
                  <tr>
                    <th scope="col">{t('rosterUpdate.change')}</th>
                    <th scope="col">{t('roster.line')}</th>
                    <th scope="col">{t('rosterUpdate.person')}</th>
                    <th scope="col">{t('rosterUpdate.before')}</th>
                    <th scope="col">{t('rosterUpdate.after')}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((c, i) => (
                    <tr key={`${c.kind}-${c.userId ?? c.line}-${i}`} data-testid="roster-change" data-kind={c.kind}>
                      <td data-label={t('rosterUpdate.change')}>{t(`rosterUpdate.kind.${c.kind}`)}</td>
                      <td className="num" data-label={t('roster.line')}>{c.line > 0 ? c.line : t('rosterUpdate.notInFile')}</td>
                      <td data-label={t('rosterUpdate.person')}>{c.name} <span className="muted small">({t(`role.${c.role}`)})</span></td>
                      <td data-label={t('rosterUpdate.before')}>{valueText(c, c.from)}</td>
                      <td data-label={t('rosterUpdate.after')}>{valueText(c, c.to)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {page.total > pageSize && (
                <nav className="pager" aria-label={t('common.pages')}>
                  <span className="muted">{t('rosterUpdate.range', { from: n(skip + 1), to: n(skip + page.items.length), total: n(page.total) })}</span>
                  <button type="button" className="btn" disabled={skip === 0} onClick={() => setSkip(Math.max(0, skip - pageSize))}>
                    ← {t('common.previousPage')}
                  </button>
                  <button type="button" className="btn" disabled={skip + pageSize >= page.total} onClick={() => setSkip(skip + pageSize)}>
                    {t('common.nextPage')} →
                  </button>
                </nav>
              )}
            </div>
          )}
          <p className="hint">{view.disableAbsent ? t('rosterUpdate.applyHintDisabling') : t('rosterUpdate.applyHint')}</p>
          <button type="button" className="btn btn-primary" onClick={apply} disabled={applying} data-testid="roster-confirm">
            {applying ? t('rosterUpdate.applying') : t('rosterUpdate.apply', { count: total })}
          </button>
        </>
      )}
      <ErrorMessage error={error} context="roster" />
    </div>
  );

  function valueText(change: RosterChange, value: string | null) {
    if (change.kind === 'role-added' && value) return t(`role.${value}`);
    if (change.kind === 'disabled') return '';
    return value ?? '—';
  }
}

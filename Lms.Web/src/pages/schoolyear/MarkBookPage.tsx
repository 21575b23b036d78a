import { useCallback, useEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { markBookApi, type MarkRow, type MarkSheet } from '../../api/markBook';
import { markSheetXlsx } from '../../api/markBookFeed';
import { Badge, ErrorMessage, Loading, useTitle } from '../../components/common';
import { useLoad } from '../../components/useLoad';
import { errorText } from '../../errors';
import { MarkBookFeed } from './MarkBookFeed';
import { todayInVietnam } from './schoolYearParts';
import './markBookWords';
import './schoolyear.css';

type CellState = 'saving' | 'saved' | 'error' | 'retrying';
type Value = { score: number | null; rating: string | null };

/** What a person types into a cell: "7,5" or "7.5" (a score), Đ / CĐ (a comment-only subject), or nothing (clears it). */
export function parseCell(text: string, commentOnly: boolean): Value | 'invalid' {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '') return { score: null, rating: null };
  if (commentOnly) {
    if (['đ', 'd', 'dat', 'đạt'].includes(trimmed)) return { score: null, rating: 'dat' };
    if (['cđ', 'cd', 'chua-dat', 'chưa đạt', 'c'].includes(trimmed)) return { score: null, rating: 'chua-dat' };
    return 'invalid';
  }
  if (!/^\d{1,2}([.,]\d+)?$/.test(trimmed)) return 'invalid';
  return { score: Number(trimmed.replace(',', '.')), rating: null };
}

/** A cell as the grid shows it: the score with the reader's decimal mark, Đ / CĐ for a rating. */
function shown(text: string | undefined, commentOnly: boolean, decimalMark: string): string {
  if (!text) return '';
  if (commentOnly) return text === 'dat' ? 'Đ' : 'CĐ';
  return text.replace('.', decimalMark);
}

const key = (studentId: string, column: string) => `${studentId}|${column}`;
const retryAfterMs = 3000;

/**
 * The mark book of one subject in a class and term (sổ điểm), made for a laptop's keyboard and usable on a phone:
 * rows are students, columns tx1…txN, gk, ck and the term average. Arrow keys, Enter and Tab move; a typed score is
 * saved as soon as one leaves the cell (or stops typing), each cell showing "đã lưu" or "lỗi, thử lại"; a save that
 * failed on the way is kept and tried again. A block pasted from a spreadsheet fills from the focused cell.
 */
export function MarkBookPage() {
  const { t, i18n } = useTranslation();
  const { yearId = '', classId = '', subjectId = '', termId = '' } = useParams();
  const sheet = useLoad(() => markBookApi.sheet(yearId, classId, subjectId, termId), [yearId, classId, subjectId, termId]);
  // A quiz filling a column changes cells under the grid: it starts again from the sheet as the server now has it.
  const [version, setVersion] = useState(0);
  const fed = () => void sheet.reload().then(() => setVersion((v) => v + 1));
  useTitle(sheet.data ? `${sheet.data.subjectName} · ${sheet.data.className}` : t('schoolYear.marks.title'));

  return (
    <div className="page mark-book-page" data-testid="mark-book">
      <p><Link to="/school-year">← {t('schoolYear.today.title')}</Link></p>
      <ErrorMessage error={sheet.error} onRetry={() => void sheet.reload()} />
      {sheet.loading && !sheet.data && <Loading />}
      {sheet.data && <Grid key={`${sheet.data.termId}-${version}`} sheet={sheet.data} decimalMark={i18n.language === 'en' ? '.' : ','} />}
      {sheet.data && (
        <p>
          <a className="btn btn-small" href={markSheetXlsx(yearId, classId, subjectId, termId, i18n.language)} download data-testid="mark-book-xlsx">
            {t('schoolYear.marks.exportXlsx')}
          </a>
        </p>
      )}
      {sheet.data?.canEdit && sheet.data.assessment !== 'comment' && !sheet.data.locked && <MarkBookFeed sheet={sheet.data} onChanged={fed} />}
    </div>
  );
}

function Grid({ sheet, decimalMark }: { sheet: MarkSheet; decimalMark: string }) {
  const { t } = useTranslation();
  const commentOnly = sheet.assessment === 'comment';
  const [rows, setRows] = useState<MarkRow[]>(sheet.students);
  const [texts, setTexts] = useState<Record<string, string>>(() => Object.fromEntries(sheet.students.flatMap((s) =>
    sheet.columns.map((c) => [key(s.studentId, c), shown(s.cells[c], commentOnly, decimalMark)]))));
  const [states, setStates] = useState<Record<string, CellState>>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const saved = useRef<Record<string, string>>(Object.fromEntries(sheet.students.flatMap((s) =>
    sheet.columns.map((c) => [key(s.studentId, c), shown(s.cells[c], commentOnly, decimalMark)]))));
  const timers = useRef<Record<string, number>>({});
  const inputs = useRef<Record<string, HTMLInputElement | null>>({});
  const reasonRef = useRef(reason);
  reasonRef.current = reason;

  useEffect(() => () => Object.values(timers.current).forEach((id) => window.clearTimeout(id)), []);

  const save = useCallback(async (studentId: string, column: string, text: string) => {
    const k = key(studentId, column);
    window.clearTimeout(timers.current[k]);
    const value = parseCell(text, commentOnly);
    if (value === 'invalid') {
      setStates((s) => ({ ...s, [k]: 'error' }));
      setProblems((p) => ({ ...p, [k]: t(commentOnly ? 'schoolYear.marks.ratingHint' : 'schoolYear.marks.scoreHint') }));
      return;
    }
    if (saved.current[k] === text) return;
    setStates((s) => ({ ...s, [k]: 'saving' }));
    try {
      const row = await markBookApi.saveCell(sheet.yearId, sheet.classId, sheet.subjectId, sheet.termId, studentId, column,
        { ...value, reason: reasonRef.current.trim() || null });
      saved.current[k] = text;
      setRows((all) => all.map((r) => (r.studentId === studentId ? row : r)));
      setStates((s) => ({ ...s, [k]: 'saved' }));
      setProblems((p) => { const { [k]: _, ...rest } = p; return rest; });
    } catch (error) {
      setStates((s) => ({ ...s, [k]: 'error' }));
      setProblems((p) => ({ ...p, [k]: errorText(t, error) }));
      // A refusal (a bad score, a locked term) waits for the person; a failure on the way is tried again by itself.
      const refused = error instanceof ApiError && error.status >= 400 && error.status < 500;
      if (!refused) {
        setStates((s) => ({ ...s, [k]: 'retrying' }));
        timers.current[k] = window.setTimeout(() => void save(studentId, column, text), retryAfterMs);
      }
    }
  }, [commentOnly, sheet, t]);

  function change(studentId: string, column: string, text: string) {
    const k = key(studentId, column);
    setTexts((all) => ({ ...all, [k]: text }));
    window.clearTimeout(timers.current[k]);
    // Typing a score saves it when the person pauses, as well as when they leave the cell.
    timers.current[k] = window.setTimeout(() => void save(studentId, column, text), 900);
  }

  function focus(row: number, col: number) {
    const student = rows[Math.max(0, Math.min(rows.length - 1, row))];
    const column = sheet.columns[Math.max(0, Math.min(sheet.columns.length - 1, col))];
    if (!student || !column) return;
    const input = inputs.current[key(student.studentId, column)];
    input?.focus();
    input?.select();
  }

  function onKey(event: KeyboardEvent<HTMLInputElement>, row: number, col: number) {
    const input = event.currentTarget;
    const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    const atEnd = input.selectionStart === input.value.length;
    const whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    const moves: Record<string, [number, number] | undefined> = {
      ArrowUp: [row - 1, col], ArrowDown: [row + 1, col], Enter: [row + (event.shiftKey ? -1 : 1), col],
      ArrowLeft: atStart || whole ? [row, col - 1] : undefined, ArrowRight: atEnd || whole ? [row, col + 1] : undefined,
    };
    const to = moves[event.key];
    if (!to) return;
    event.preventDefault();
    focus(to[0], to[1]);
  }

  /** A block copied from a spreadsheet: rows by newline, cells by tab; it fills from the focused cell right and down. */
  function onPaste(event: ClipboardEvent<HTMLInputElement>, row: number, col: number) {
    const text = event.clipboardData.getData('text/plain');
    if (!/[\t\n]/.test(text.trim())) return;
    event.preventDefault();
    const lines = text.replace(/\r/g, '').split('\n');
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    const filled: Record<string, string> = {};
    lines.forEach((line, i) => line.split('\t').forEach((cell, j) => {
      const student = rows[row + i];
      const column = sheet.columns[col + j];
      if (student && column) filled[key(student.studentId, column)] = cell.trim();
    }));
    setTexts((all) => ({ ...all, ...filled }));
    for (const [k, value] of Object.entries(filled)) {
      const [studentId, column] = k.split('|');
      void save(studentId, column, value);
    }
  }

  const termLink = (id: string) => `/school-year/marks/${sheet.yearId}/${sheet.classId}/${sheet.subjectId}/${id}`;
  const average = (r: MarkRow) => commentOnly ? shown(r.rating ?? undefined, true, decimalMark)
    : r.average == null ? '' : String(r.average).replace('.', decimalMark);

  return (
    <>
      <h1>{sheet.subjectName} · {sheet.className}</h1>
      <nav className="child-switch" aria-label={t('schoolYear.marks.terms')}>
        {sheet.terms.map((term) => (
          <Link key={term.id} to={termLink(term.id)} className={term.id === sheet.termId ? 'btn btn-small btn-primary' : 'btn btn-small'}
                aria-current={term.id === sheet.termId ? 'page' : undefined}>
            {t('schoolYear.marks.term', { number: term.number })}
          </Link>
        ))}
      </nav>
      {sheet.locked && (
        <div className="card" data-testid="mark-book-locked">
          <p><Badge tone="absent">{t('schoolYear.marks.locked')}</Badge> {t('schoolYear.marks.lockedHint')}</p>
          {sheet.canEdit && (
            <label className="check">{t('schoolYear.marks.reason')}{' '}
              <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} data-testid="mark-reason" />
            </label>
          )}
        </div>
      )}
      <p className="muted">{sheet.canEdit ? t(commentOnly ? 'schoolYear.marks.howComment' : 'schoolYear.marks.how') : t('schoolYear.marks.readOnly')}</p>
      <div className="mark-scroll">
        <table className="mark-grid" data-testid="mark-grid">
          <thead>
            <tr>
              <th scope="col" className="mark-name">{t('schoolYear.marks.student')}</th>
              {sheet.columns.map((c) => <th key={c} scope="col">{t(`schoolYear.marks.column.${c.replace(/\d/g, '')}`, { n: c.slice(2) })}</th>)}
              <th scope="col">{t(commentOnly ? 'schoolYear.marks.termRating' : 'schoolYear.marks.termAverage')}</th>
              {sheet.termNumber === 2 && <th scope="col">{t(commentOnly ? 'schoolYear.marks.yearRating' : 'schoolYear.marks.yearAverage')}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.studentId}>
                <th scope="row" className="mark-name">{r.name}</th>
                {sheet.columns.map((c, j) => {
                  const k = key(r.studentId, c);
                  const state = states[k];
                  return (
                    <td key={c} className="mark-cell" data-state={state}>
                      {sheet.canEdit ? (
                        <input ref={(el) => { inputs.current[k] = el; }} value={texts[k] ?? ''} inputMode={commentOnly ? 'text' : 'decimal'}
                               aria-label={`${r.name} · ${c}`} aria-invalid={state === 'error' ? true : undefined}
                               title={problems[k]} data-testid={`cell-${i}-${c}`}
                               onChange={(e) => change(r.studentId, c, e.target.value)}
                               onBlur={(e) => void save(r.studentId, c, e.target.value)}
                               onKeyDown={(e) => onKey(e, i, j)} onPaste={(e) => onPaste(e, i, j)} />
                      ) : (
                        <span data-testid={`cell-${i}-${c}`}>{shown(r.cells[c], commentOnly, decimalMark)}</span>
                      )}
                      {state && (
                        <span className="mark-state" role={state === 'error' ? 'alert' : undefined} data-testid={`state-${i}-${c}`}>
                          {state === 'saved' ? t('schoolYear.marks.saved') : state === 'saving' ? '…'
                            : state === 'retrying' ? t('schoolYear.marks.retrying')
                              : <button type="button" className="link-button" onClick={() => void save(r.studentId, c, texts[k] ?? '')}
                                        title={problems[k]}>{t('schoolYear.marks.failed')}</button>}
                        </span>
                      )}
                    </td>
                  );
                })}
                <td className="mark-average" data-testid={`average-${i}`}>{average(r)}</td>
                {sheet.termNumber === 2 && (
                  <td className="mark-average">{commentOnly ? shown(r.yearRating ?? undefined, true, decimalMark)
                    : r.yearAverage == null ? '' : String(r.yearAverage).replace('.', decimalMark)}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {Object.keys(problems).length > 0 && (
        <ul className="field-error" data-testid="mark-problems">
          {Object.entries(problems).map(([k, message]) => {
            const [studentId, column] = k.split('|');
            return <li key={k}>{rows.find((r) => r.studentId === studentId)?.name} · {column}: {message}</li>;
          })}
        </ul>
      )}
    </>
  );
}

/** The teacher's mark books of the current year, as links into the current term's sheet (on the school day page). */
export function MarkBookLinks() {
  const { t } = useTranslation();
  const books = useLoad(() => markBookApi.books(), []);
  if (!books.data || books.data.books.length === 0 || !books.data.yearId) return null;
  const today = todayInVietnam();
  const terms = books.data.terms;
  const term = terms.find((x) => x.startsOn <= today && today <= x.endsOn) ?? terms.filter((x) => x.startsOn <= today).pop() ?? terms[0];
  if (!term) return null;
  return (
    <section aria-labelledby="mark-books-title">
      <h2 id="mark-books-title">{t('schoolYear.marks.title')}</h2>
      <ul className="period-list" data-testid="mark-books">
        {books.data.books.map((b) => (
          <li key={`${b.classId}-${b.subjectId}`} className="card period-card">
            <Link to={`/school-year/marks/${b.schoolYearId}/${b.classId}/${b.subjectId}/${term.id}`}
                  data-testid={`mark-book-${b.className}-${b.subjectName}`}>
              {b.className} · {b.subjectName}
            </Link>
            {!b.mine && <span className="muted">{t('schoolYear.marks.homeroomReads')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { moocApi, type CatalogueCard, type Facets } from '../../api/moocs';
import { Badge, ErrorMessage, Loading, useTitle } from '../../components/common';
import { creditsText, formatDate, formatVnd, languageText, levelText } from './format';

const pageSize = 12;

export function CatalogueCardView({ card }: { card: CatalogueCard }) {
  const { t, i18n } = useTranslation();
  const credits = creditsText(t, card);
  return (
    <li className="card course-card catalogue-card" data-testid="catalogue-card">
      <div className="course-card-badges">
        {credits && <Badge tone="credit" testId="credit-badge">{credits}</Badge>}
        <Badge tone="kind">{levelText(t, card.level)}</Badge>
        <Badge tone="kind">{languageText(t, card.language)}</Badge>
      </div>
      <h2 className="course-card-title">
        <Link to={`/catalogue/${card.slug}`} data-testid="catalogue-link">{card.title}</Link>
      </h2>
      {card.summary && <p className="course-card-summary">{card.summary}</p>}
      <p className="course-card-meta muted">
        <span>{card.institutionName}</span>
        <span aria-hidden="true"> · </span>
        <span>{card.priceVnd === 0 ? t('moocs.free') : formatVnd(card.priceVnd, i18n.language)}</span>
        {card.nextRunPace && (
          <>
            <span aria-hidden="true"> · </span>
            <span>{card.nextRunStartsAt
              ? t('moocs.startsOn', { date: formatDate(card.nextRunStartsAt, i18n.language) })
              : t(`moocs.pace.${card.nextRunPace}`)}</span>
          </>
        )}
      </p>
    </li>
  );
}

export function CataloguePage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [facets, setFacets] = useState<Facets | null>(null);
  const [cards, setCards] = useState<CatalogueCard[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  useTitle(t('moocs.catalogue.title'));

  const filters = {
    q: params.get('q') ?? undefined,
    subject: params.get('subject') ?? undefined,
    institution: params.get('institution') ?? undefined,
    language: params.get('language') ?? undefined,
    level: params.get('level') ?? undefined,
    credit: params.get('credit') === 'true',
  };
  const key = params.toString();
  const [showFilters, setShowFilters] = useState(Boolean(filters.subject || filters.institution || filters.language || filters.level || filters.credit));

  useEffect(() => {
    moocApi.facets().then(setFacets).catch(() => setFacets(null));
  }, []);

  const load = async (skip: number) => {
    setLoading(true);
    setError(null);
    try {
      const page = await moocApi.catalogue({ ...filters, skip, take: pageSize });
      setCards((previous) => (skip === 0 ? page.items : [...previous, ...page.items]));
      setTotal(page.total);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const set = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  const search = (event: FormEvent) => {
    event.preventDefault();
    set('q', text.trim() || null);
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{t('moocs.catalogue.title')}</h1>
          <p className="muted">{t('moocs.catalogue.tagline')}</p>
        </div>
      </div>

      <form className="card catalogue-search" role="search" onSubmit={search}>
        <div className="field">
          <label htmlFor="catalogue-q">{t('moocs.catalogue.search')}</label>
          <div className="inline-form">
            <input id="catalogue-q" type="search" value={text} onChange={(e) => setText(e.target.value)} maxLength={100}
                   placeholder={t('moocs.catalogue.searchPlaceholder')} />
            <button type="submit" className="btn btn-primary">{t('moocs.catalogue.searchButton')}</button>
          </div>
        </div>
        <button type="button" className="btn btn-small filters-toggle" aria-expanded={showFilters} aria-controls="catalogue-filters"
                onClick={() => setShowFilters(!showFilters)}>
          {t('moocs.catalogue.filters')}
        </button>
        <div id="catalogue-filters" className={showFilters ? 'catalogue-filters open' : 'catalogue-filters'}>
          <FacetSelect id="f-subject" label={t('moocs.catalogue.subject')} value={filters.subject} facets={facets?.subjects}
                       onChange={(v) => set('subject', v)} />
          <FacetSelect id="f-institution" label={t('moocs.catalogue.institution')} value={filters.institution} facets={facets?.institutions}
                       onChange={(v) => set('institution', v)} />
          <FacetSelect id="f-language" label={t('moocs.catalogue.language')} value={filters.language} facets={facets?.languages}
                       onChange={(v) => set('language', v)} text={(v) => languageText(t, v)} />
          <FacetSelect id="f-level" label={t('moocs.catalogue.level')} value={filters.level} facets={facets?.levels}
                       onChange={(v) => set('level', v)} text={(v) => levelText(t, v)} />
          <label className="field-check">
            <input type="checkbox" checked={filters.credit} onChange={(e) => set('credit', e.target.checked ? 'true' : null)} />
            {t('moocs.catalogue.creditOnly')}
          </label>
        </div>
      </form>

      <ErrorMessage error={error} onRetry={() => void load(0)} />
      {!loading && !error && (
        <p className="muted" data-testid="catalogue-total" role="status">{t('moocs.catalogue.found', { count: total })}</p>
      )}
      {cards.length > 0 && (
        <ul className="course-grid" aria-label={t('moocs.catalogue.results')} data-testid="catalogue-list">
          {cards.map((card) => <CatalogueCardView key={card.id} card={card} />)}
        </ul>
      )}
      {loading && <Loading />}
      {!loading && cards.length < total && (
        <div className="load-more">
          <p className="muted">{t('common.shownOf', { shown: cards.length, total })}</p>
          <button type="button" className="btn" onClick={() => void load(cards.length)}>{t('common.loadMore')}</button>
        </div>
      )}
    </div>
  );
}

function FacetSelect({ id, label, value, facets, onChange, text }: {
  id: string; label: string; value: string | undefined; facets: { value: string; label: string | null; count: number }[] | undefined;
  onChange: (value: string | null) => void; text?: (value: string) => string;
}) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">{t('moocs.catalogue.any')}</option>
        {(facets ?? []).map((f) => (
          <option key={f.value} value={f.value}>{(f.label ?? (text ? text(f.value) : f.value))} ({f.count})</option>
        ))}
      </select>
    </div>
  );
}

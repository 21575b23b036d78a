import type { TFunction } from 'i18next';
import type { CatalogueCard } from '../../api/moocs';

export function formatVnd(value: number, language: string): string {
  return new Intl.NumberFormat(language === 'en' ? 'en-GB' : 'vi-VN', { style: 'currency', currency: 'VND', maximumFractionDigits: 0 }).format(value);
}

export function formatDate(iso: string | null | undefined, language: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'vi-VN', { dateStyle: 'medium' }).format(date);
}

/** "3 tín chỉ (6 ECTS)" */
export function creditsText(t: TFunction, card: Pick<CatalogueCard, 'credits' | 'ects'>): string | null {
  if (!card.credits) return null;
  return card.ects ? t('moocs.creditsEcts', { credits: card.credits, ects: card.ects }) : t('moocs.credits', { credits: card.credits });
}

export function levelText(t: TFunction, level: string): string {
  return ['beginner', 'intermediate', 'advanced'].includes(level) ? t(`moocs.level.${level}`) : level;
}

export function languageText(t: TFunction, language: string): string {
  return ['vi', 'en'].includes(language) ? t(`moocs.language.${language}`) : language.toUpperCase();
}

// A file input in the app's language: the browser's own says "Choose file / No file chosen" in the browser's
// language. The real input stays in the page, see-through over nothing (labels point at it, it takes the focus
// and the keyboard, forms and tests set its files); a button-looking label of ours opens it, and the chosen
// file's name is shown beside it. (The look is the roster import's first picker: .file-picker in styles.css.)
import { useId, useState, type InputHTMLAttributes, type Ref } from 'react';
import { useTranslation } from 'react-i18next';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'onChange' | 'value'>;

export function FilePicker({ file, onFile, inputRef, id, ...input }: InputProps & {
  /** The file the page holds, when it keeps one (its name is shown; null after the page clears it). */
  file?: File | null;
  /** The chosen file, or null when the choice is cleared. */
  onFile: (file: File | null) => void;
  /** The input itself, for a page that clears it after an upload. */
  inputRef?: Ref<HTMLInputElement>;
}) {
  const { t } = useTranslation();
  const ownId = useId();
  const inputId = id ?? ownId;
  const [chosen, setChosen] = useState<string | null>(null);
  const name = file !== undefined ? file?.name ?? null : chosen;
  return (
    <div className="file-picker">
      <input {...input} id={inputId} ref={inputRef} type="file" className="file-input"
        onChange={(e) => {
          const next = e.target.files?.[0] ?? null;
          setChosen(next?.name ?? null);
          onFile(next);
        }} />
      <label htmlFor={inputId} className="btn btn-small file-button" aria-hidden="true">{t('picker.chooseFile')}</label>
      <span className={name ? 'file-name' : 'file-name muted'}>{name ?? t('picker.noFile')}</span>
    </div>
  );
}

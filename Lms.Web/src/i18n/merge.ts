// Merges the files of one language (i18n/<language>/<feature>.json) into one dictionary.
export type Dictionary = Record<string, unknown>;

/**
 * Merges every file of a language. Objects merge key by key, so a feature may add its own entry to a
 * shared group (e.g. "itemKind.quiz" from assessment.json); the same leaf defined twice is an error.
 */
export function merge(files: Record<string, Dictionary>): Dictionary {
  const merged: Dictionary = {};
  const into = (target: Dictionary, source: Dictionary, path: string, file: string) => {
    for (const [key, value] of Object.entries(source)) {
      const at = path ? `${path}.${key}` : key;
      const existing = target[key];
      if (isDictionary(existing) && isDictionary(value)) into(existing, value, at, file);
      else if (key in target) throw new Error(`Translation key "${at}" is defined twice (again in ${file}).`);
      else target[key] = isDictionary(value) ? into({}, value, at, file) : value;
    }
    return target;
  };
  for (const [file, dictionary] of Object.entries(files)) into(merged, dictionary, '', file);
  return merged;
}

function isDictionary(value: unknown): value is Dictionary {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Shared helper (not a rule): where a node of the resolved document is defined. Lets rules tell a shared
// component (its own file under components/<kind>/, or #/components/<kind>/<name> in a single-file document)
// from an inline copy, which a resolved document alone cannot show.
import { basename, dirname, sep } from 'node:path';

export function originOf(context, path) {
  const item = context.documentInventory.findAssociatedItemForPath(path, true);
  if (!item) return null;
  return { source: item.document?.source ?? '', path: item.path ?? [] };
}

/** The component name if `origin` is the root of a shared component of `kind` (schemas, responses, ...). */
export function componentName(origin, kind) {
  if (!origin) return null;
  const { source, path } = origin;
  if (path.length === 0 && source && dirname(source).endsWith(`${sep}components${sep}${kind}`)) {
    return basename(source).replace(/\.(ya?ml|json)$/, '');
  }
  if (path.length === 3 && path[0] === 'components' && path[1] === kind) return String(path[2]);
  return null;
}

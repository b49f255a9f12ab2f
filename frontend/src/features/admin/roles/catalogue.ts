import type { DataScope, PermissionCatalog } from '../../../api/types';

export const DATA_SCOPES: DataScope[] = ['own', 'subordinates', 'department', 'department_tree', 'all'];

export interface ResourcePermissions {
  resource: string;
  codes: string[];
}

/** Permission codes (`resource:action`) grouped by resource, in catalogue order. */
export function groupPermissions(catalog: PermissionCatalog | undefined): ResourcePermissions[] {
  const groups = new Map<string, string[]>();
  for (const code of catalog?.permissions ?? []) {
    const resource = code.includes(':') ? code.slice(0, code.indexOf(':')) : code;
    groups.set(resource, [...(groups.get(resource) ?? []), code]);
  }
  return [...groups].map(([resource, codes]) => ({ resource, codes }));
}

/** Resources that take a data scope, and the scopes the server offers. */
export function scopeChoices(catalog: PermissionCatalog | undefined): { resources: string[]; scopes: DataScope[] } {
  return { resources: catalog?.scoped_resources ?? [], scopes: catalog?.data_scopes?.length ? catalog.data_scopes : DATA_SCOPES };
}

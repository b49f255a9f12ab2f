// Named aliases for the schemas the SPA uses. Every type comes from the generated OpenAPI types.
import type { components } from './schema';

type Schemas = components['schemas'];

export type TokenPair = Schemas['TokenPair'];
export type Me = Schemas['Me'];
export type RoleRef = Schemas['RoleRef'];
export type CustomerRead = Schemas['CustomerRead'];
export type CustomerCreate = Schemas['CustomerCreate'];
export type CustomerUpdate = Schemas['CustomerUpdate'];
export type ContactRead = Schemas['ContactRead'];
export type ContactCreate = Schemas['ContactCreate'];
export type ContactUpdate = Schemas['ContactUpdate'];
export type UserRead = Schemas['UserRead'];
export type UserCreate = Schemas['UserCreate'];
export type UserUpdate = Schemas['UserUpdate'];
export type DepartmentRead = Schemas['DepartmentRead'];
export type DepartmentCreate = Schemas['DepartmentCreate'];
export type DepartmentUpdate = Schemas['DepartmentUpdate'];
export type RoleRead = Schemas['RoleRead'];
export type RoleCreate = Schemas['RoleCreate'];
export type RoleUpdate = Schemas['RoleUpdate'];
export type PermissionCatalog = Schemas['PermissionCatalog'];
export type DataScope = Schemas['DataScope'];
export type CustomFieldRead = Schemas['CustomFieldRead'];
export type CustomFieldCreate = Schemas['CustomFieldCreate'];
export type CustomFieldUpdate = Schemas['CustomFieldUpdate'];
export type TagRead = Schemas['TagRead'];
export type CompletenessRulesRead = Schemas['CompletenessRulesRead'];
export type BulkTagRequest = Schemas['BulkTagRequest'];

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
export type ActivityRead = Schemas['ActivityRead'];
export type ActivityCreate = Schemas['ActivityCreate'];
export type ActivityKind = ActivityRead['kind'];
export type TimelineItem = Schemas['TimelineItem'];
export type TimelinePage = Schemas['TimelinePage'];
export type TaskRead = Schemas['TaskRead'];
export type TaskCreate = Schemas['TaskCreate'];
export type TaskUpdate = Schemas['TaskUpdate'];
export type TaskCompletion = Schemas['TaskCompletion'];
export type NotificationRead = Schemas['NotificationRead'];

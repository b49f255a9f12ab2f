import { activitiesModule } from './activities/module';
import { adminModule } from './admin/module';
import { approvalsModule } from './approvals/module';
import { attachmentsModule } from './attachments/module';
import { authModule } from './auth/module';
import { catalogModule } from './catalog/module';
import { contactsModule } from './contacts/module';
import { contractsModule } from './contracts/module';
import { customerPoolModule } from './customerpool/module';
import { customersModule } from './customers/module';
import { customFieldsModule } from './customfields/module';
import { dealsModule } from './deals/module';
import { duplicatesModule } from './duplicates/module';
import { exportsModule } from './exports/module';
import { fieldPermissionsModule } from './fieldPermissions/module';
import { importsModule } from './imports/module';
import { leadsModule } from './leads/module';
import type { FeatureModule } from './module';
import { notificationsModule } from './notifications/module';
import { ordersModule } from './orders/module';
import { quotesModule } from './quotes/module';
import { searchModule } from './search/module';
import { tasksModule } from './tasks/module';

/**
 * Every feature folder, in ladder order: a feature may import only features listed before it
 * (features/ladder.test.ts checks this); anything flowing the other way goes through a slot
 * (a panel on the customer page, a tab on the deal page). routes.tsx, the navigation and the
 * translations are assembled from this list. Adding a feature: its folder with a module.tsx
 * and one line here.
 */
export const FEATURE_MODULES: FeatureModule[] = [
  authModule,
  adminModule,
  fieldPermissionsModule,
  exportsModule,
  attachmentsModule,
  customFieldsModule,
  duplicatesModule,
  searchModule,
  notificationsModule,
  contactsModule,
  customerPoolModule,
  customersModule,
  activitiesModule,
  tasksModule,
  dealsModule,
  leadsModule,
  catalogModule,
  approvalsModule,
  quotesModule,
  contractsModule,
  ordersModule,
  importsModule,
];

import { approvalsModule } from './approvals/module';
import { catalogModule } from './catalog/module';
import { contractsModule } from './contracts/module';
import { customerPoolModule } from './customerpool/module';
import { dealsModule } from './deals/module';
import { fieldPermissionsModule } from './fieldPermissions/module';
import type { FeatureModule } from './module';
import { leadsModule } from './leads/module';
import { ordersModule } from './orders/module';

/** The feature folders that declare their pages and navigation in a module.tsx. */
export const FEATURE_MODULES: FeatureModule[] = [
  leadsModule,
  dealsModule,
  catalogModule,
  contractsModule,
  ordersModule,
  customerPoolModule,
  quotesModule,
  approvalsModule,
  fieldPermissionsModule,
];
import { quotesModule } from './quotes/module';


import type { FeatureModule } from '../module';
import { attachmentsLocales } from './locales';

/** Attachments have no page of their own: deals and contracts show the AttachmentsCard. */
export const attachmentsModule: FeatureModule = {
  name: 'attachments',
  locales: attachmentsLocales,
};

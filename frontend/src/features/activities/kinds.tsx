import { CalendarOutlined, EnvironmentOutlined, FileTextOutlined, MailOutlined, PhoneOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { ActivityKind } from '../../api/types';

export const ACTIVITY_KINDS: ActivityKind[] = ['call', 'visit', 'meeting', 'email', 'note'];

/** Which optional details a kind carries (the server enforces the same). */
export const HAS_DURATION: ReadonlySet<ActivityKind> = new Set(['call', 'visit', 'meeting']);
export const HAS_LOCATION: ReadonlySet<ActivityKind> = new Set(['visit', 'meeting']);

export const KIND_ICONS: Record<ActivityKind, ReactNode> = {
  call: <PhoneOutlined />,
  visit: <EnvironmentOutlined />,
  meeting: <CalendarOutlined />,
  email: <MailOutlined />,
  note: <FileTextOutlined />,
};
